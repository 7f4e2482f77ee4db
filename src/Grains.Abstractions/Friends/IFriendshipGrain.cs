namespace Social.Grains.Friends;

/// <summary>
/// The arbiter of one pair of users (keyed by <see cref="GrainKeys.Friendship"/>). Every change to
/// the pair's relationship goes through this grain, so two users acting at once are simply
/// queued; it persists the pair's state, then projects each side's <see cref="PeerView"/> into
/// both users' grains. It calls user grains and is never called by them, so no call cycle (and
/// no deadlock between non-reentrant grains) can form. See docs/architecture.md.
/// </summary>
[Alias("Social.IFriendshipGrain")]
public interface IFriendshipGrain : IGrainWithStringKey
{
    /// <summary>Sends a request from <paramref name="userId"/>; auto-accepts when the other user had already asked.</summary>
    [Alias("Request")]
    Task<FriendshipResult> Request(string userId);

    [Alias("Accept")]
    Task<FriendshipResult> Accept(string userId);

    [Alias("Reject")]
    Task<FriendshipResult> Reject(string userId);

    [Alias("Cancel")]
    Task<FriendshipResult> Cancel(string userId);

    [Alias("Unfriend")]
    Task<FriendshipResult> Unfriend(string userId);

    [Alias("Block")]
    Task<FriendshipResult> Block(string userId);

    [Alias("Unblock")]
    Task<FriendshipResult> Unblock(string userId);

    /// <summary>
    /// Files the pending request that a PRO greeting implies: from <paramref name="userId"/>, unless the
    /// pair is already pending (either way), friends, or blocked. No rate or friend limit applies;
    /// the greeting has its own.
    /// </summary>
    [Alias("FileGreetingRequest")]
    Task FileGreetingRequest(string userId);

    /// <summary>The pair's current state as <paramref name="userId"/> sees it (the source of truth, not a projection).</summary>
    [Alias("GetView")]
    Task<PeerView> GetView(string userId);
}
