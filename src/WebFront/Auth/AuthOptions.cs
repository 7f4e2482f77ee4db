namespace Social.WebFront.Auth;

/// <summary>Token settings (configuration section <c>Social:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Social:Auth";

    public string Issuer { get; set; } = "social";

    public string Audience { get; set; } = "social";

    /// <summary>
    /// Base64 HMAC-SHA256 key (at least 32 bytes) that signs our tokens. When empty, a development
    /// key is generated once and kept in the user's local data folder, so restarts and several
    /// local processes accept the same tokens.
    /// </summary>
    public string? SigningKey { get; set; }

    public int AccessTokenMinutes { get; set; } = 12 * 60;

    /// <summary>
    /// How long a front trusts the session version it read for a user (docs/api.md, "Profile
    /// settings"): a token ended by a password change on another front, for a user without
    /// connections here, is refused here at most this long after the change.
    /// </summary>
    public int SessionCheckSeconds { get; set; } = 5;

    /// <summary>How many users' session versions a front caches at most.</summary>
    public int SessionCacheSize { get; set; } = 100_000;

    /// <summary>An outside identity provider whose tokens are accepted too; its user id is <c>sub</c>.</summary>
    public ExternalIssuerOptions External { get; set; } = new();
}

public sealed class ExternalIssuerOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>OpenID Connect authority whose published keys sign the tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>Or a base64 symmetric key shared with the issuer.</summary>
    public string? SigningKey { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Issuer);
}
