namespace Social.WebFront.Api;

/// <summary>The one rule for display names, at registration and when they change.</summary>
public static class DisplayNames
{
    public const int MaxLength = 64;

    public const string Rule = "At most 64 characters without control characters.";

    /// <summary>False when the name, trimmed, is too long or holds control characters (blank is valid: it means the username).</summary>
    public static bool IsValid(string displayName)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        return displayName.Trim().Length <= MaxLength && !displayName.Any(char.IsControl);
    }

    /// <summary>The name to store: trimmed, or the username when blank.</summary>
    public static string Resolve(string? displayName, string username) =>
        string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim();
}
