using Social.Grains.Friends;
using Social.Grains.Users;

namespace Social.Grains.Tests;

[Collection(SharedClusterDefinition.Name)]
public sealed class FriendshipTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private Task<FriendshipResult> Request(string from, string to) => _grains.GetFriendship(from, to).Request(from);

    private Task<FriendshipResult> Accept(string by, string from) => _grains.GetFriendship(by, from).Accept(by);

    private Task<PeerView> ViewOf(string user, string peer) => _grains.GetUser(user).GetRelationship(peer);

    private async Task MakeFriends(string a, string b)
    {
        Assert.True((await Request(a, b)).Succeeded);
        Assert.True((await Accept(b, a)).Succeeded);
    }

    [Fact]
    public async Task Request_is_pending_on_both_sides()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));

        var result = await Request(a, b);

        Assert.Equal(FriendshipResult.Ok(PeerStatus.PendingOutgoing), result);
        Assert.Equal(PeerStatus.PendingOutgoing, (await ViewOf(a, b)).Status);
        Assert.Equal(PeerStatus.PendingIncoming, (await ViewOf(b, a)).Status);
    }

    [Fact]
    public async Task Accept_makes_both_users_friends()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await Request(a, b);

        var result = await Accept(b, a);

        Assert.Equal(PeerStatus.Friends, result.Status);
        Assert.Equal(PeerStatus.Friends, (await ViewOf(a, b)).Status);
        Assert.Equal(PeerStatus.Friends, (await ViewOf(b, a)).Status);
        Assert.Equal(1, (await _grains.GetUser(a).GetSummary()).FriendCount);
    }

    [Fact]
    public async Task Requesting_a_user_who_already_asked_auto_accepts()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await Request(a, b);

        var result = await Request(b, a);

        Assert.Equal(FriendshipResult.Ok(PeerStatus.Friends), result);
        Assert.Equal(PeerStatus.Friends, (await ViewOf(a, b)).Status);
    }

    [Fact]
    public async Task Repeated_request_is_refused_as_already_sent()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await Request(a, b);

        Assert.Equal(FriendError.RequestAlreadySent, (await Request(a, b)).Error);
    }

    [Fact]
    public async Task Request_between_friends_is_refused_as_already_friends()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await MakeFriends(a, b);

        Assert.Equal(FriendError.AlreadyFriends, (await Request(a, b)).Error);
        Assert.Equal(FriendError.AlreadyFriends, (await Request(b, a)).Error);
    }

    [Fact]
    public async Task Sender_cannot_accept_own_request()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await Request(a, b);

        Assert.Equal(FriendError.NoPendingRequest, (await Accept(a, b)).Error);
    }

    [Fact]
    public async Task Retried_accept_answers_accepted_again()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await MakeFriends(a, b);

        Assert.Equal(FriendshipResult.Ok(PeerStatus.Friends), await Accept(b, a));
    }

    [Fact]
    public async Task Reject_and_cancel_end_the_request_for_both()
    {
        var (a, b, c) = (TestUsers.NewId("a"), TestUsers.NewId("b"), TestUsers.NewId("c"));
        await Request(a, b);
        await Request(a, c);

        Assert.Equal(FriendError.NoPendingRequest, (await _grains.GetFriendship(a, b).Reject(a)).Error);
        Assert.True((await _grains.GetFriendship(b, a).Reject(b)).Succeeded);
        Assert.Equal(FriendError.NoPendingRequest, (await _grains.GetFriendship(a, c).Cancel(c)).Error);
        Assert.True((await _grains.GetFriendship(a, c).Cancel(a)).Succeeded);

        Assert.Equal(PeerStatus.None, (await ViewOf(a, b)).Status);
        Assert.Equal(PeerStatus.None, (await ViewOf(b, a)).Status);
        Assert.Equal(PeerStatus.None, (await ViewOf(c, a)).Status);
        Assert.True((await Request(a, b)).Succeeded);
    }

    [Fact]
    public async Task Unfriend_ends_friendship_on_both_sides()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await MakeFriends(a, b);

        Assert.True((await _grains.GetFriendship(b, a).Unfriend(b)).Succeeded);

        Assert.Equal(PeerStatus.None, (await ViewOf(a, b)).Status);
        Assert.Equal(0, (await _grains.GetUser(a).GetSummary()).FriendCount);
        Assert.Equal(FriendError.NotFriends, (await _grains.GetFriendship(b, a).Unfriend(b)).Error);
    }

    [Fact]
    public async Task Block_ends_friendship_and_stops_requests_both_ways()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await MakeFriends(a, b);

        Assert.True((await _grains.GetFriendship(a, b).Block(a)).Succeeded);
        Assert.True((await _grains.GetFriendship(a, b).Block(a)).Succeeded);

        Assert.Equal(new PeerView(PeerStatus.None, IBlocked: true, BlockedMe: false, (await ViewOf(a, b)).Since), await ViewOf(a, b));
        Assert.True((await ViewOf(b, a)).BlockedMe);
        Assert.Equal(FriendError.Blocked, (await Request(b, a)).Error);
        Assert.Equal(FriendError.Blocked, (await Request(a, b)).Error);
        Assert.Equal(0, (await _grains.GetUser(b).GetSummary()).FriendCount);
    }

    [Fact]
    public async Task Block_removes_a_pending_request()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await Request(a, b);

        await _grains.GetFriendship(b, a).Block(b);

        Assert.Equal(PeerStatus.None, (await ViewOf(a, b)).Status);
        Assert.Equal(FriendError.NoPendingRequest, (await Accept(b, a)).Error);
    }

    [Fact]
    public async Task Unblock_keeps_the_other_sides_block()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await _grains.GetFriendship(a, b).Block(a);
        await _grains.GetFriendship(a, b).Block(b);

        Assert.True((await _grains.GetFriendship(a, b).Unblock(a)).Succeeded);

        var view = await ViewOf(a, b);
        Assert.False(view.IBlocked);
        Assert.True(view.BlockedMe);
        Assert.Equal(FriendError.Blocked, (await Request(a, b)).Error);
        Assert.Equal(FriendError.NotBlocked, (await _grains.GetFriendship(a, b).Unblock(a)).Error);

        Assert.True((await _grains.GetFriendship(a, b).Unblock(b)).Succeeded);
        Assert.True((await Request(a, b)).Succeeded);
    }

    [Fact]
    public async Task Request_at_the_friend_limit_is_refused()
    {
        var user = TestUsers.NewId("full");
        for (var i = 0; i < ClusterFixture.FreeLimit; i++)
        {
            await MakeFriends(user, TestUsers.NewId("friend"));
        }

        Assert.Equal(FriendError.FriendLimitReached, (await Request(user, TestUsers.NewId("one-more"))).Error);
    }

    [Fact]
    public async Task Accept_is_refused_when_the_acceptor_is_full_and_nothing_changes()
    {
        var (full, other) = (TestUsers.NewId("full"), TestUsers.NewId("other"));
        await Request(other, full);
        for (var i = 0; i < ClusterFixture.FreeLimit; i++)
        {
            await MakeFriends(full, TestUsers.NewId("friend"));
        }

        Assert.Equal(FriendError.FriendLimitReached, (await Accept(full, other)).Error);
        Assert.Equal(PeerStatus.PendingOutgoing, (await ViewOf(other, full)).Status);
        Assert.Equal(PeerStatus.PendingIncoming, (await ViewOf(full, other)).Status);
        Assert.Equal(0, (await _grains.GetUser(other).GetSummary()).FriendCount);
    }

    [Fact]
    public async Task Accept_is_refused_when_the_requester_is_full_and_the_acceptors_slot_is_released()
    {
        var (requester, acceptor) = (TestUsers.NewId("requester"), TestUsers.NewId("acceptor"));
        await Request(requester, acceptor);
        for (var i = 0; i < ClusterFixture.FreeLimit; i++)
        {
            await MakeFriends(requester, TestUsers.NewId("friend"));
        }

        Assert.Equal(FriendError.FriendLimitReached, (await Accept(acceptor, requester)).Error);

        Assert.Equal(PeerStatus.PendingIncoming, (await ViewOf(acceptor, requester)).Status);
        for (var i = 0; i < ClusterFixture.FreeLimit; i++)
        {
            await MakeFriends(acceptor, TestUsers.NewId("friend"));
        }
    }

    [Fact]
    public async Task Pro_plan_raises_the_limit_at_once()
    {
        var user = TestUsers.NewId("pro");
        for (var i = 0; i < ClusterFixture.FreeLimit; i++)
        {
            await MakeFriends(user, TestUsers.NewId("friend"));
        }

        await _grains.GetUser(user).SetPlan(Plan.Pro);

        Assert.Equal(new UserSummary(Plan.Pro, ClusterFixture.FreeLimit, ClusterFixture.ProLimit), await _grains.GetUser(user).GetSummary());
        await MakeFriends(user, TestUsers.NewId("friend"));
    }

    [Fact]
    public async Task Concurrent_accepts_never_exceed_the_friend_limit()
    {
        var user = TestUsers.NewId("popular");
        var requesters = Enumerable.Range(0, 12).Select(_ => TestUsers.NewId("fan")).ToList();
        foreach (var requester in requesters)
        {
            await Request(requester, user);
        }

        var results = await Task.WhenAll(requesters.Select(requester => Accept(user, requester)));

        Assert.Equal(ClusterFixture.FreeLimit, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(FriendError.FriendLimitReached, r.Error));
        Assert.Equal(ClusterFixture.FreeLimit, (await _grains.GetUser(user).GetSummary()).FriendCount);
        var friendsOnTheirSide = 0;
        foreach (var requester in requesters)
        {
            friendsOnTheirSide += (await ViewOf(requester, user)).Status == PeerStatus.Friends ? 1 : 0;
        }

        Assert.Equal(ClusterFixture.FreeLimit, friendsOnTheirSide);
    }

    [Fact]
    public async Task Friend_requests_are_rate_limited_per_sender()
    {
        var sender = TestUsers.NewId("spammer");
        var results = new List<FriendshipResult>();
        for (var i = 0; i < 21; i++)
        {
            results.Add(await Request(sender, TestUsers.NewId("target")));
        }

        Assert.All(results.Take(20), r => Assert.True(r.Succeeded));
        Assert.Equal(FriendError.RateLimited, results[20].Error);
        Assert.InRange(results[20].RetryAfter!.Value, TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(3.1));
    }

    [Fact]
    public async Task Lists_page_newest_first_with_a_cursor()
    {
        var user = TestUsers.NewId("lister");
        await _grains.GetUser(user).SetPlan(Plan.Pro);
        var friends = new List<string>();
        for (var i = 0; i < ClusterFixture.ProLimit; i++)
        {
            var friend = TestUsers.NewId("friend");
            friends.Add(friend);
            await MakeFriends(user, friend);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _grains.GetUser(user).ListRelationships(RelationshipFilter.Accepted, 2, cursor);
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(item => item.PeerId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(friends), seen);
        Assert.Empty((await _grains.GetUser(user).ListRelationships(RelationshipFilter.Pending, 10, null)).Items);
    }
}
