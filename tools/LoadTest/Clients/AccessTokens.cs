using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Social.LoadTest.Clients;

/// <summary>
/// Mints access tokens (HS256, <c>sub</c> the user id) as the outside issuer
/// <see cref="OutsideIssuer"/>, which the load tester configures on the servers it starts with
/// the same signing key. Idle-connection runs use them instead of registering thousands of
/// accounts (one PBKDF2 hash each): the server refuses tokens of users it does not know, but
/// gives an outside issuer's user an account the first time it sees them.
/// </summary>
public sealed class AccessTokens(string base64SigningKey, string issuer = AccessTokens.OutsideIssuer, string audience = "social")
{
    /// <summary>The outside issuer (<c>Social:Auth:External</c>) the servers the load tester starts trust.</summary>
    public const string OutsideIssuer = "loadtest-idp";

    private readonly byte[] _key = Convert.FromBase64String(base64SigningKey);

    /// <summary>A new random key, base64, for a server this run starts.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Mint(string userId, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = userId,
            ["unique_name"] = userId,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        }));
        var signed = $"{header}.{payload}";
        var signature = Encode(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signed)));
        return $"{signed}.{signature}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
