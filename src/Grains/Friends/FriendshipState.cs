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
}
