namespace Social.Grains.Friends;

/// <summary>Where a friendship stands, seen from one of its two users.</summary>
[GenerateSerializer, Alias("Social.PeerStatus")]
public enum PeerStatus
{
    None = 0,
    PendingOutgoing = 1,
    PendingIncoming = 2,
    Friends = 3,
}
