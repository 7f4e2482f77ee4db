namespace Social.Grains.Friends;

[GenerateSerializer, Alias("Social.PairStatus")]
public enum PairStatus
{
    None = 0,
    Pending = 1,
    Accepted = 2,
}

/// <summary>
/// The source of truth for one pair. Stored as JSON without type names: member names are the
/// storage contract.
/// </summary>
[GenerateSerializer, Alias("Social.FriendshipState")]
public sealed class FriendshipState
{
    [Id(0)]
    public PairStatus Status { get; set; }

    /// <summary>Who sent the pending request; null unless <see cref="Status"/> is pending.</summary>
    [Id(1)]
    public string? RequestedBy { get; set; }

    /// <summary>The users of the pair who block the other; each side's block is its own.</summary>
    [Id(2)]
    public List<string> BlockedBy { get; set; } = [];

    /// <summary>When the current status began.</summary>
    [Id(3)]
    public DateTimeOffset Since { get; set; }

    /// <summary>Raised on every change; user grains ignore projections older than what they hold.</summary>
    [Id(4)]
    public long Version { get; set; }

    /// <summary>
    /// Why <paramref name="userId"/> may not ask the other to be friends. None also when the other
    /// asked first (<see cref="IsPendingFrom"/>): asking back is accepting.
    /// </summary>
    public FriendError CheckRequest(string userId) => this switch
    {
        { BlockedBy.Count: > 0 } => FriendError.Blocked,
        { Status: PairStatus.Accepted } => FriendError.AlreadyFriends,
        { Status: PairStatus.Pending } when RequestedBy == userId => FriendError.RequestAlreadySent,
        _ => FriendError.None,
    };

    /// <summary>Why a request from <paramref name="requester"/> cannot be accepted; None also when already friends (a retried accept).</summary>
    public FriendError CheckAccept(string requester) =>
        Status == PairStatus.Accepted || IsPendingFrom(requester) ? FriendError.None : FriendError.NoPendingRequest;

    /// <summary>Rejecting and cancelling both end the request <paramref name="requester"/> sent.</summary>
    public FriendError CheckEndRequest(string requester) =>
        IsPendingFrom(requester) ? FriendError.None : FriendError.NoPendingRequest;

    public FriendError CheckUnfriend() => Status == PairStatus.Accepted ? FriendError.None : FriendError.NotFriends;

    /// <summary>Each side's block is its own: only the blocker can lift it.</summary>
    public FriendError CheckUnblock(string userId) => BlockedBy.Contains(userId) ? FriendError.None : FriendError.NotBlocked;

    public bool IsPendingFrom(string userId) => Status == PairStatus.Pending && RequestedBy == userId;

    /// <summary>A stored greeting files a request, unless the two are already related or blocked.</summary>
    public bool TakesGreetingRequest => Status == PairStatus.None && BlockedBy.Count == 0;

    // The transitions: each returns the next state (a copy); the grain stamps, stores and projects it.

    public FriendshipState Requested(string by) => Next(pair => { pair.Status = PairStatus.Pending; pair.RequestedBy = by; });

    public FriendshipState Accepted() => Next(pair => { pair.Status = PairStatus.Accepted; pair.RequestedBy = null; });

    /// <summary>Back to strangers: a rejected or cancelled request, an unfriending.</summary>
    public FriendshipState Ended() => Next(pair => { pair.Status = PairStatus.None; pair.RequestedBy = null; });

    /// <summary>A block ends any friendship or pending request between the two.</summary>
    public FriendshipState Blocked(string by) => Next(pair =>
    {
        pair.BlockedBy.Add(by);
        pair.Status = PairStatus.None;
        pair.RequestedBy = null;
    });

    public FriendshipState Unblocked(string by) => Next(pair => pair.BlockedBy.Remove(by));

    /// <summary>The pair as <paramref name="userId"/> sees it, <paramref name="otherId"/> being the other user.</summary>
    public PeerView ViewFor(string userId, string otherId)
    {
        var status = Status switch
        {
            PairStatus.Accepted => PeerStatus.Friends,
            PairStatus.Pending when RequestedBy == userId => PeerStatus.PendingOutgoing,
            PairStatus.Pending => PeerStatus.PendingIncoming,
            _ => PeerStatus.None,
        };
        return new PeerView(status, BlockedBy.Contains(userId), BlockedBy.Contains(otherId), Since);
    }

    public FriendshipState Clone() => new()
    {
        Status = Status,
        RequestedBy = RequestedBy,
        BlockedBy = [.. BlockedBy],
        Since = Since,
        Version = Version,
    };

    private FriendshipState Next(Action<FriendshipState> change)
    {
        var next = Clone();
        change(next);
        return next;
    }
}
