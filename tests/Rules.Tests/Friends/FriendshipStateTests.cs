using Social.Grains.Friends;

namespace Social.Rules.Tests.Friends;

public sealed class FriendshipStateTests
{
    private const string A = "alice";
    private const string B = "bob";

    private static readonly FriendshipState Strangers = new();

    [Fact]
    public void A_request_makes_the_pair_pending_from_the_requester()
    {
        Assert.Equal(FriendError.None, Strangers.CheckRequest(A));

        var pending = Strangers.Requested(by: A);

        Assert.True(pending.IsPendingFrom(A));
        Assert.False(pending.IsPendingFrom(B));
        Assert.Equal(PeerStatus.PendingOutgoing, pending.ViewFor(A, B).Status);
        Assert.Equal(PeerStatus.PendingIncoming, pending.ViewFor(B, A).Status);
    }

    [Fact]
    public void Transitions_leave_the_state_they_start_from_unchanged()
    {
        var pending = Strangers.Requested(by: A);
        pending.Blocked(by: B);

        Assert.Equal(PairStatus.None, Strangers.Status);
        Assert.Equal(PairStatus.Pending, pending.Status);
        Assert.Empty(pending.BlockedBy);
    }

    [Fact]
    public void Asking_twice_is_refused_but_asking_back_is_allowed()
    {
        var pending = Strangers.Requested(by: A);

        Assert.Equal(FriendError.RequestAlreadySent, pending.CheckRequest(A));
        Assert.Equal(FriendError.None, pending.CheckRequest(B));
    }

    [Fact]
    public void Only_the_one_asked_can_accept_and_a_repeated_accept_is_allowed()
    {
        var pending = Strangers.Requested(by: A);

        Assert.Equal(FriendError.NoPendingRequest, Strangers.CheckAccept(requester: A));
        Assert.Equal(FriendError.NoPendingRequest, pending.CheckAccept(requester: B));
        Assert.Equal(FriendError.None, pending.CheckAccept(requester: A));

        var friends = pending.Accepted();

        Assert.Equal(FriendError.None, friends.CheckAccept(requester: A));
        Assert.Equal(PeerStatus.Friends, friends.ViewFor(A, B).Status);
        Assert.Null(friends.RequestedBy);
    }

    [Fact]
    public void Friends_cannot_ask_again_and_strangers_cannot_unfriend()
    {
        var friends = Strangers.Requested(by: A).Accepted();

        Assert.Equal(FriendError.AlreadyFriends, friends.CheckRequest(A));
        Assert.Equal(FriendError.AlreadyFriends, friends.CheckRequest(B));
        Assert.Equal(FriendError.NotFriends, Strangers.CheckUnfriend());
        Assert.Equal(FriendError.None, friends.CheckUnfriend());
        Assert.Equal(PairStatus.None, friends.Ended().Status);
    }

    [Fact]
    public void Rejecting_and_cancelling_end_only_a_pending_request_from_that_requester()
    {
        var pending = Strangers.Requested(by: A);

        Assert.Equal(FriendError.None, pending.CheckEndRequest(requester: A));
        Assert.Equal(FriendError.NoPendingRequest, pending.CheckEndRequest(requester: B));
        Assert.Equal(FriendError.NoPendingRequest, Strangers.CheckEndRequest(requester: A));
        Assert.Equal(PairStatus.None, pending.Ended().Status);
    }

    [Fact]
    public void A_block_ends_friendship_and_stops_requests_from_both_sides()
    {
        var blocked = Strangers.Requested(by: A).Accepted().Blocked(by: B);

        Assert.Equal(PairStatus.None, blocked.Status);
        Assert.Equal(FriendError.Blocked, blocked.CheckRequest(A));
        Assert.Equal(FriendError.Blocked, blocked.CheckRequest(B));
        Assert.False(blocked.TakesGreetingRequest);
        Assert.True(blocked.ViewFor(B, A).IBlocked);
        Assert.True(blocked.ViewFor(A, B).BlockedMe);
    }

    [Fact]
    public void A_block_also_ends_a_pending_request()
    {
        var blocked = Strangers.Requested(by: A).Blocked(by: A);

        Assert.Equal(PairStatus.None, blocked.Status);
        Assert.Null(blocked.RequestedBy);
    }

    [Fact]
    public void Each_side_lifts_only_its_own_block()
    {
        var both = Strangers.Blocked(by: A).Blocked(by: B);

        Assert.Equal(FriendError.NotBlocked, Strangers.CheckUnblock(A));
        Assert.Equal(FriendError.None, both.CheckUnblock(A));

        var onlyB = both.Unblocked(by: A);

        Assert.Equal(FriendError.NotBlocked, onlyB.CheckUnblock(A));
        Assert.Equal(FriendError.Blocked, onlyB.CheckRequest(A));
        Assert.Equal(FriendError.None, onlyB.Unblocked(by: B).CheckRequest(A));
    }

    [Fact]
    public void A_greeting_files_a_request_only_between_unblocked_strangers()
    {
        Assert.True(Strangers.TakesGreetingRequest);
        Assert.False(Strangers.Requested(by: B).TakesGreetingRequest);
        Assert.False(Strangers.Requested(by: B).Accepted().TakesGreetingRequest);
    }
}
