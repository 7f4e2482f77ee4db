using Social.Grains.Friends;
using Social.Grains.Realtime;

namespace Social.Rules.Tests.Friends;

public sealed class RelationshipEventsTests
{
    private const string Peer = "peer";

    private static PeerView View(PeerStatus status, bool iBlocked = false, bool blockedMe = false) =>
        new(status, iBlocked, blockedMe, DateTimeOffset.UnixEpoch);

    private static UserEvent Single(PeerView before, PeerView after, FriendChange change) =>
        Assert.Single(RelationshipEvents.For(Peer, before, after, change));

    [Fact]
    public void An_incoming_request_is_announced_as_a_friend_request()
    {
        var announced = Assert.IsType<FriendRequestEvent>(Single(View(PeerStatus.None), View(PeerStatus.PendingIncoming), FriendChange.Requested));
        Assert.Equal(Peer, announced.FromUserId);
    }

    [Fact]
    public void Both_sides_hear_an_acceptance()
    {
        Assert.IsType<FriendAcceptedEvent>(Single(View(PeerStatus.PendingOutgoing), View(PeerStatus.Friends), FriendChange.Accepted));
        Assert.IsType<FriendAcceptedEvent>(Single(View(PeerStatus.PendingIncoming), View(PeerStatus.Friends), FriendChange.Accepted));
    }

    [Fact]
    public void Sending_a_request_announces_nothing_to_the_sender()
    {
        Assert.Empty(RelationshipEvents.For(Peer, View(PeerStatus.None), View(PeerStatus.PendingOutgoing), FriendChange.Requested));
    }

    [Theory]
    [InlineData(PeerStatus.PendingIncoming, FriendChange.Cancelled, RelationshipChange.RequestCancelled)]
    [InlineData(PeerStatus.PendingOutgoing, FriendChange.Cancelled, RelationshipChange.RequestCancelled)]
    [InlineData(PeerStatus.PendingIncoming, FriendChange.Rejected, RelationshipChange.RequestRejected)]
    [InlineData(PeerStatus.PendingOutgoing, FriendChange.Rejected, RelationshipChange.RequestRejected)]
    [InlineData(PeerStatus.Friends, FriendChange.Unfriended, RelationshipChange.FriendRemoved)]
    public void An_ended_request_or_friendship_says_what_ended(PeerStatus before, FriendChange change, RelationshipChange expected)
    {
        var announced = Assert.IsType<RelationshipChangedEvent>(Single(View(before), View(PeerStatus.None), change));
        Assert.Equal(expected, announced.Change);
        Assert.Equal(Peer, announced.UserId);
    }

    [Fact]
    public void The_blocker_hears_of_the_block_and_the_unblock()
    {
        var blocked = Assert.IsType<RelationshipChangedEvent>(Single(View(PeerStatus.Friends), View(PeerStatus.None, iBlocked: true), FriendChange.Blocked));
        var unblocked = Assert.IsType<RelationshipChangedEvent>(Single(View(PeerStatus.None, iBlocked: true), View(PeerStatus.None), FriendChange.Unblocked));

        Assert.Equal(RelationshipChange.Blocked, blocked.Change);
        Assert.Equal(RelationshipChange.Unblocked, unblocked.Change);
    }

    [Theory]
    [InlineData(PeerStatus.Friends, RelationshipChange.FriendRemoved)]
    [InlineData(PeerStatus.PendingOutgoing, RelationshipChange.RequestRejected)]
    [InlineData(PeerStatus.PendingIncoming, RelationshipChange.RequestCancelled)]
    public void A_blocked_user_hears_only_what_the_block_looks_like(PeerStatus before, RelationshipChange looksLike)
    {
        var announced = Assert.IsType<RelationshipChangedEvent>(Single(View(before), View(PeerStatus.None, blockedMe: true), FriendChange.Blocked));

        Assert.Equal(looksLike, announced.Change);
        Assert.NotEqual(RelationshipChange.Blocked, announced.Change);
    }

    [Fact]
    public void A_blocked_user_hears_nothing_of_a_block_between_strangers_or_of_the_unblock()
    {
        Assert.Empty(RelationshipEvents.For(Peer, View(PeerStatus.None), View(PeerStatus.None, blockedMe: true), FriendChange.Blocked));
        Assert.Empty(RelationshipEvents.For(Peer, View(PeerStatus.None, blockedMe: true), View(PeerStatus.None), FriendChange.Unblocked));
    }
}
