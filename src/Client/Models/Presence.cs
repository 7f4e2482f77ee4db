namespace Social.Client;

/// <summary>A friend's presence, in the friend list and in <c>presence_changed</c>.</summary>
/// <param name="Status">One of <see cref="PresenceStatuses"/>.</param>
/// <param name="LastSeenAt">When the friend's last connection closed, for <c>offline</c>; null if never seen or not shared.</param>
public sealed record FriendPresence(string Status, DateTimeOffset? LastSeenAt);

/// <summary>The caller's own presence (<c>GET/PUT /api/presence/me</c>).</summary>
/// <param name="Status">The status friends would see (<c>online</c>, <c>away</c>, <c>offline</c>).</param>
/// <param name="Hidden">True when the user hides presence (and so sees nobody's).</param>
public sealed record OwnPresence(string Status, bool Hidden);

/// <summary>The payload of <c>presence_changed</c>: a friend's presence changed.</summary>
/// <param name="UserId">The friend.</param>
/// <param name="Status">One of <see cref="PresenceStatuses"/>.</param>
/// <param name="LastSeenAt">As in <see cref="FriendPresence.LastSeenAt"/>.</param>
public sealed record PresenceNotice(string UserId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>The values of a presence's <c>status</c>.</summary>
public static class PresenceStatuses
{
    /// <summary>At least one real-time connection is open and active.</summary>
    public const string Online = "online";

    /// <summary>Connected, but every hub connection said it is away.</summary>
    public const string Away = "away";

    /// <summary>No connection anywhere.</summary>
    public const string Offline = "offline";

    /// <summary>Not shared: the friend hides presence, or the caller hides theirs.</summary>
    public const string Unknown = "unknown";
}

internal sealed record PresenceSettingsRequest(bool Hidden);
