using Social.Client.Http;

namespace Social.Client;

/// <summary>
/// <c>/api/presence</c>: the caller's own presence and whether it is hidden. Friends' presence comes
/// with <see cref="FriendsClient.ListAsync"/> and live as <see cref="PresenceChangedEvent"/>; say
/// "away" with <see cref="SocialConnection.SetAwayAsync"/>.
/// </summary>
public sealed class PresenceClient
{
    private readonly ApiTransport _transport;

    internal PresenceClient(ApiTransport transport) => _transport = transport;

    /// <summary><c>GET /api/presence/me</c>: the status friends would see, and the setting.</summary>
    public Task<OwnPresence> GetMineAsync(CancellationToken cancellationToken = default) =>
        _transport.GetAsync("/api/presence/me", SocialJsonContext.Default.OwnPresence, cancellationToken);

    /// <summary><c>PUT /api/presence/me</c>: hide presence (friends see <c>unknown</c>, and so does the caller) or share it again.</summary>
    public Task<OwnPresence> SetHiddenAsync(bool hidden, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Put, "/api/presence/me", new PresenceSettingsRequest(hidden),
            SocialJsonContext.Default.PresenceSettingsRequest, SocialJsonContext.Default.OwnPresence, authenticated: true, cancellationToken);
}
