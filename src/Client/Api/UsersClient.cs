using System.Globalization;
using Social.Client.Http;

namespace Social.Client;

/// <summary><c>/api/users</c>: the caller, profiles and search. The password change is <see cref="AuthClient.ChangePasswordAsync"/>.</summary>
public sealed class UsersClient
{
    private readonly ApiTransport _transport;

    internal UsersClient(ApiTransport transport) => _transport = transport;

    /// <summary><c>GET /api/users/me</c>.</summary>
    public Task<CurrentUser> GetMeAsync(CancellationToken cancellationToken = default) =>
        _transport.GetAsync("/api/users/me", SocialJsonContext.Default.CurrentUser, cancellationToken);

    /// <summary>
    /// <c>PATCH /api/users/me</c>: the caller's new display name (trimmed; blank means the username),
    /// shown at once wherever names are read; friends get no event. 400 <c>validation_failed</c>
    /// over 64 characters or with control characters.
    /// </summary>
    public Task<CurrentUser> ChangeDisplayNameAsync(string displayName, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new ChangeDisplayNameRequest(displayName),
            SocialJsonContext.Default.ChangeDisplayNameRequest, SocialJsonContext.Default.CurrentUser, authenticated: true, cancellationToken);

    /// <summary><c>GET /api/users/{userId}</c>: 404 <c>user_not_found</c> (also when that user blocked the caller).</summary>
    public Task<UserProfile> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync($"/api/users/{Uri.EscapeDataString(userId)}", SocialJsonContext.Default.UserProfile, cancellationToken);

    /// <summary>
    /// <c>GET /api/users/search</c>: username prefix, display name or exact address; never the caller
    /// nor anyone across a block. Pass <see cref="UserSearchResult.NextCursor"/> as <paramref name="cursor"/> for the next page.
    /// </summary>
    public Task<UserSearchResult> SearchAsync(string query, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _transport.GetAsync(
            $"/api/users/search?q={Uri.EscapeDataString(query)}"
                + (limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : "")
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)),
            SocialJsonContext.Default.UserSearchResult,
            cancellationToken);
}
