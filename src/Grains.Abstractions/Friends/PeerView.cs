namespace Social.Grains.Friends;

/// <summary>
/// One user's view of the relationship with a peer. <see cref="IBlocked"/> and
/// <see cref="BlockedMe"/> are independent: each side's block is its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.PeerView")]
public sealed record PeerView(
    [property: Id(0)] PeerStatus Status,
    [property: Id(1)] bool IBlocked,
    [property: Id(2)] bool BlockedMe,
    [property: Id(3)] DateTimeOffset Since)
{
    public static PeerView Nobody { get; } = new(PeerStatus.None, false, false, DateTimeOffset.MinValue);

    public bool IsBlockedEitherWay => IBlocked || BlockedMe;

    /// <summary>The contract's <c>relationship</c> value, or null when the peer must be hidden (they blocked us).</summary>
    public string? ContractRelationship => this switch
    {
        { IBlocked: true } => "blocked",
        { BlockedMe: true } => null,
        { Status: PeerStatus.Friends } => "friends",
        { Status: PeerStatus.PendingOutgoing } => "pending_outgoing",
        { Status: PeerStatus.PendingIncoming } => "pending_incoming",
        _ => "none",
    };
}
