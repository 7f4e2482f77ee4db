using Microsoft.Extensions.Time.Testing;
using Social.Grains.Friends;
using Social.Grains.Users;

namespace Social.Rules.Tests.Users;

public sealed class FriendSlotsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Dictionary<string, PeerEntry> _peers = new(StringComparer.Ordinal);

    private void Befriend(params string[] peerIds)
    {
        foreach (var peerId in peerIds)
        {
            _peers[peerId] = new PeerEntry { Status = PeerStatus.Friends };
        }
    }

    [Fact]
    public void Holds_count_against_the_limit_like_friends()
    {
        var slots = new FriendSlots(_time);
        Befriend("f1");

        Assert.True(slots.TryReserve(_peers, "p1", limit: 3));
        Assert.True(slots.TryReserve(_peers, "p2", limit: 3));
        Assert.False(slots.TryReserve(_peers, "p3", limit: 3));
        Assert.True(slots.IsFull(_peers, "p3", limit: 3));
        Assert.Equal(3, slots.Taken(_peers, exceptPeer: "p3"));
    }

    [Fact]
    public void A_peers_own_hold_does_not_count_against_it()
    {
        var slots = new FriendSlots(_time);
        slots.TryReserve(_peers, "p1", limit: 1);

        Assert.False(slots.IsFull(_peers, "p1", limit: 1));
        Assert.True(slots.TryReserve(_peers, "p1", limit: 1));
        Assert.True(slots.IsFull(_peers, "p2", limit: 1));
    }

    [Fact]
    public void An_existing_friend_always_has_a_slot()
    {
        var slots = new FriendSlots(_time);
        Befriend("f1", "f2");

        Assert.True(slots.TryReserve(_peers, "f1", limit: 2));
        Assert.False(slots.TryReserve(_peers, "p1", limit: 2));
    }

    [Fact]
    public void A_hold_is_not_counted_twice_once_the_friendship_arrives()
    {
        var slots = new FriendSlots(_time);
        slots.TryReserve(_peers, "p1", limit: 2);
        Befriend("p1");

        Assert.Equal(1, slots.Taken(_peers, exceptPeer: "nobody"));
    }

    [Fact]
    public void Released_holds_free_their_slot()
    {
        var slots = new FriendSlots(_time);
        slots.TryReserve(_peers, "p1", limit: 1);

        slots.Release("p1");

        Assert.True(slots.TryReserve(_peers, "p2", limit: 1));
    }

    [Fact]
    public void A_lost_hold_frees_itself_after_the_hold_time()
    {
        var slots = new FriendSlots(_time);
        slots.TryReserve(_peers, "p1", limit: 1);

        _time.Advance(FriendSlots.Hold - TimeSpan.FromTicks(1));
        Assert.False(slots.TryReserve(_peers, "p2", limit: 1));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(slots.TryReserve(_peers, "p2", limit: 1));
    }
}
