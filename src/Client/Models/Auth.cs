namespace Social.Client;

/// <summary>What <c>POST /api/auth/register</c> takes.</summary>
/// <param name="Username">3 to 32 of <c>a-z 0-9 _ .</c>, unique case-insensitively.</param>
/// <param name="Password">At least 8 characters.</param>
/// <param name="DisplayName">Shown instead of the username; the username when omitted.</param>
/// <param name="Address">An optional public handle (a wallet address, say), unique, found by exact search.</param>
public sealed record RegisterRequest(string Username, string Password, string? DisplayName = null, string? Address = null);

/// <summary>What <c>POST /api/auth/login</c> takes.</summary>
/// <param name="Username">The username, in any case.</param>
/// <param name="Password">The password.</param>
public sealed record LoginRequest(string Username, string Password);

internal sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

/// <summary>A signed-in user: who, and the bearer token for every other call.</summary>
/// <param name="UserId">The user's opaque id.</param>
/// <param name="Username">The user's username.</param>
/// <param name="AccessToken">The JWT bearer token.</param>
/// <param name="ExpiresAt">When the token stops being accepted.</param>
public sealed record AuthResult(string UserId, string Username, string AccessToken, DateTimeOffset ExpiresAt)
{
    /// <summary>The token with its expiry, as <see cref="SocialClient.UseAccessToken(AccessToken)"/> takes it.</summary>
    public AccessToken ToAccessToken() => new(AccessToken, ExpiresAt);
}

/// <summary>A bearer token and, when known, when it expires (the client refreshes it a minute before).</summary>
/// <param name="Value">The token.</param>
/// <param name="ExpiresAt">Its expiry, or null when unknown.</param>
public sealed record AccessToken(string Value, DateTimeOffset? ExpiresAt = null);

/// <summary>What <c>PUT /api/admin/users/{userId}/plan</c> takes.</summary>
/// <param name="Plan"><see cref="Plans.Free"/> or <see cref="Plans.Pro"/>.</param>
public sealed record SetPlanRequest(string Plan);

/// <summary>The membership plans.</summary>
public static class Plans
{
    /// <summary>The free plan (500 friends, no greetings).</summary>
    public const string Free = "free";

    /// <summary>PRO (2000 friends, greetings to strangers).</summary>
    public const string Pro = "pro";
}
