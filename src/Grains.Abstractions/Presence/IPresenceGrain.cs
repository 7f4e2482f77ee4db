using Orleans.Concurrency;

namespace Social.Grains.Presence;

/// <summary>
/// One per user (keyed by <see cref="GrainKeys.Presence"/>): whether the user is connected
/// anywhere in the cluster, from the connection counts each front end reports and renews under
/// a lease; the user's "hide my presence" setting and last-seen time; and the coalesced
/// announcement of changes to the user's friends. Presence never holds up messaging: it is kept
/// apart from <c>IUserGrain</c>, which it only reads the friend list from.
/// </summary>
[Alias("Social.IPresenceGrain")]
public interface IPresenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// A front's count of the user's connections there, and how many of them are active (not
    /// away). Reports from one front are numbered by <paramref name="seq"/>; an older one than the
    /// last is ignored. Holds for the lease; a report of zero connections ends the front's share at once.
    /// </summary>
    [Alias("Report")]
    Task Report(string frontId, long seq, int connections, int activeConnections);

    /// <summary>The user's own status and setting.</summary>
    [Alias("GetOwn")]
    Task<OwnPresence> GetOwn();

    /// <summary>What a friend may see; <see cref="PresenceStatus.Unknown"/> when the user hides it.</summary>
    [Alias("GetShared")]
    Task<PresenceView> GetShared();

    /// <summary>Hides (or shows again) the user's presence; a hidden user sees nobody's either.</summary>
    [Alias("SetHidden")]
    Task SetHidden(bool hidden);

    /// <summary>
    /// A friend's presence changed: forwarded to this user's connections, when the user is
    /// connected and does not hide presence.
    /// </summary>
    [OneWay]
    [Alias("OnFriendPresence")]
    Task OnFriendPresence(string friendId, PresenceView presence);
}
