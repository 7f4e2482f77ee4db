using Microsoft.IdentityModel.Tokens;

namespace Social.WebFront.Auth;

/// <summary>Resolves the key that signs our tokens.</summary>
public static class SigningKeys
{
    public static SymmetricSecurityKey Resolve(AuthOptions options)
    {
        var bytes = string.IsNullOrWhiteSpace(options.SigningKey)
            ? LoadOrCreateDevelopmentKey()
            : Convert.FromBase64String(options.SigningKey);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Social:Auth:SigningKey must be at least 32 bytes (base64).");
        }

        return new SymmetricSecurityKey(bytes) { KeyId = "social" };
    }

    public static SymmetricSecurityKey FromBase64(string key) => new(Convert.FromBase64String(key));

    private static byte[] LoadOrCreateDevelopmentKey()
    {
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "Social");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "dev-jwt-signing-key");
        try
        {
            // CreateNew: when two processes start at once, one writes and the other reads.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            file.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            for (var attempt = 0; ; attempt++)
            {
                var key = File.ReadAllBytes(path);
                if (key.Length >= 32 || attempt > 50)
                {
                    return key;
                }

                Thread.Sleep(20);
            }
        }
    }
}
