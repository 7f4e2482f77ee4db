using System.Collections.Concurrent;
using Orleans.Streams;
using Social.Grains.Presence;
using Social.Grains.Realtime;

namespace Social.Grains.Tests;

/// <summary>Presence grains in a two-silo cluster: fronts' reports and leases, the setting, and the fan-out to friends.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class PresenceTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly List<StreamSubscriptionHandle<StreamedUserEvent>> _subscriptions = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            await subscription.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Fronts_reports_make_a_user_online_away_and_offline_with_a_last_seen_time()
    {
        var user = TestUsers.NewId();
        var presence = _grains.GetPresence(user);
        Assert.Equal(new PresenceView(PresenceStatus.Offline, null), await presence.GetShared());

        await presence.Report("front1", 1, connections: 1, activeConnections: 1);
        await presence.Report("front2", 1, connections: 1, activeConnections: 0);
        Assert.Equal(new PresenceView(PresenceStatus.Online, null), await presence.GetShared());

        await presence.Report("front1", 2, connections: 0, activeConnections: 0);
        Assert.Equal(new PresenceView(PresenceStatus.Away, null), await presence.GetShared());

        var before = DateTimeOffset.UtcNow;
        await presence.Report("front2", 2, connections: 0, activeConnections: 0);
        var offline = await presence.GetShared();
        Assert.Equal(PresenceStatus.Offline, offline.Status);
        Assert.InRange(offline.LastSeenAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task A_front_that_stops_renewing_takes_its_users_offline_when_the_lease_ends()
    {
        var user = TestUsers.NewId();
        var presence = _grains.GetPresence(user);
        await presence.Report("front-that-dies", 1, 1, 1);
        var renewedAt = DateTimeOffset.UtcNow;
        Assert.Equal(PresenceStatus.Online, (await presence.GetShared()).Status);

        await WaitUntilAsync(async () => (await presence.GetShared()).Status == PresenceStatus.Offline, "the lease ends");

        var lastSeen = (await presence.GetShared()).LastSeenAt!.Value;
        Assert.InRange(lastSeen, renewedAt.AddSeconds(-1), renewedAt.AddSeconds(1));
    }

    [Fact]
    public async Task Concurrent_reports_from_many_fronts_count_every_front()
    {
        var presence = _grains.GetPresence(TestUsers.NewId());
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => presence.Report($"front{i}", 1, 1, 0)));
        await Task.WhenAll(Enumerable.Range(0, 19).Select(i => presence.Report($"front{i}", 2, 0, 0)));

        Assert.Equal(PresenceStatus.Away, (await presence.GetShared()).Status);
    }

    [Fact]
    public async Task A_hidden_user_shows_unknown_and_the_setting_survives()
    {
        var user = TestUsers.NewId();
        var presence = _grains.GetPresence(user);
        await presence.Report("front1", 1, 1, 1);

        await presence.SetHidden(true);

        Assert.Equal(PresenceView.Unknown, await presence.GetShared());
        Assert.Equal(new OwnPresence(PresenceStatus.Online, Hidden: true), await presence.GetOwn());
        await presence.SetHidden(false);
        Assert.Equal(PresenceStatus.Online, (await presence.GetShared()).Status);
    }

    [Fact]
    public async Task Connected_friends_hear_a_change_and_nobody_else_does()
    {
        var (a, friend, offlineFriend, pending, blocked) =
            (TestUsers.NewId("a"), TestUsers.NewId("friend"), TestUsers.NewId("offline"), TestUsers.NewId("pending"), TestUsers.NewId("blocked"));
        await MakeFriendsAsync(a, friend);
        await MakeFriendsAsync(a, offlineFriend);
        await MakeFriendsAsync(a, blocked);
        Assert.True((await _grains.GetFriendship(a, blocked).Block(a)).Succeeded);
        Assert.True((await _grains.GetFriendship(pending, a).Request(pending)).Succeeded);

        var heardByFriend = await ListenAsync(friend);
        var heardByPending = await ListenAsync(pending);
        var heardByBlocked = await ListenAsync(blocked);
        var heardByOffline = await ListenAsync(offlineFriend);
        foreach (var connected in new[] { friend, pending, blocked })
        {
            await _grains.GetPresence(connected).Report("front1", 1, 1, 1);
        }

        await _grains.GetPresence(a).Report("front1", 1, 1, 1);
        await WaitUntilAsync(() => Task.FromResult(heardByFriend.Any(e => e.UserId == a && e.Presence.Status == PresenceStatus.Online)), "the friend hears A online");

        // A sentinel that travels the same way after A's announcement: the blocked and pending
        // users have a friend of their own go online, and hear that but nothing of A.
        var sentinel = TestUsers.NewId("sentinel");
        await MakeFriendsAsync(sentinel, pending);
        await MakeFriendsAsync(sentinel, blocked);
        await _grains.GetPresence(sentinel).Report("front1", 1, 1, 1);
        await WaitUntilAsync(() => Task.FromResult(heardByPending.Any(e => e.UserId == sentinel) && heardByBlocked.Any(e => e.UserId == sentinel)), "the sentinel is heard");

        Assert.DoesNotContain(heardByPending, e => e.UserId == a);
        Assert.DoesNotContain(heardByBlocked, e => e.UserId == a);
        Assert.Empty(heardByOffline);
    }

    [Fact]
    public async Task A_flapping_connection_is_announced_once_with_the_state_reached()
    {
        var (a, friend) = (TestUsers.NewId("a"), TestUsers.NewId("friend"));
        await MakeFriendsAsync(a, friend);
        var heard = await ListenAsync(friend);
        await _grains.GetPresence(friend).Report("front1", 1, 1, 1);

        var presence = _grains.GetPresence(a);
        await presence.Report("front1", 1, 1, 1);
        await WaitUntilAsync(() => Task.FromResult(heard.Count(e => e.UserId == a) == 1), "the first change is announced");

        // Twenty drops and reconnects inside one coalescing window, ending online.
        for (var seq = 2; seq <= 41; seq += 2)
        {
            await presence.Report("front1", seq, 0, 0);
            await presence.Report("front1", seq + 1, 1, 1);
        }

        await presence.Report("front1", 100, 1, 0); // then away: one announcement of the state reached
        await WaitUntilAsync(() => Task.FromResult(heard.Any(e => e.UserId == a && e.Presence.Status == PresenceStatus.Away)), "away is announced");
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Away], heard.Where(e => e.UserId == a).Select(e => e.Presence.Status));
    }

    [Fact]
    public async Task A_user_who_hides_presence_hears_nobodys()
    {
        var (a, friend) = (TestUsers.NewId("a"), TestUsers.NewId("friend"));
        await MakeFriendsAsync(a, friend);
        var heardByA = await ListenAsync(a);
        await _grains.GetPresence(a).Report("front1", 1, 1, 1);
        await _grains.GetPresence(a).SetHidden(true);

        var (witness, sentinel) = (TestUsers.NewId("witness"), TestUsers.NewId("sentinel"));
        await MakeFriendsAsync(a, sentinel);
        await MakeFriendsAsync(friend, witness);
        var heardByWitness = await ListenAsync(witness);
        await _grains.GetPresence(witness).Report("front1", 1, 1, 1);

        // The friend's announcement goes to A and to the witness at once; shown again once the witness heard it.
        await _grains.GetPresence(friend).Report("front1", 1, 1, 1);
        await WaitUntilAsync(() => Task.FromResult(heardByWitness.Any(e => e.UserId == friend)), "the friend's change is announced");
        await _grains.GetPresence(a).SetHidden(false);
        await _grains.GetPresence(sentinel).Report("front1", 1, 1, 1);
        await WaitUntilAsync(() => Task.FromResult(heardByA.Any(e => e.UserId == sentinel)), "A hears the sentinel once shown again");

        Assert.DoesNotContain(heardByA, e => e.UserId == friend);
    }

    private async Task MakeFriendsAsync(string a, string b)
    {
        Assert.True((await _grains.GetFriendship(a, b).Request(a)).Succeeded);
        Assert.True((await _grains.GetFriendship(b, a).Accept(b)).Succeeded);
    }

    /// <summary>Subscribes to the user's stream as a front does, collecting the presence events it carries.</summary>
    private async Task<ConcurrentQueue<PresenceChangedEvent>> ListenAsync(string userId)
    {
        var heard = new ConcurrentQueue<PresenceChangedEvent>();
        var stream = fixture.Cluster.Client.GetStreamProvider(UserStreams.Provider).GetStream<StreamedUserEvent>(UserStreams.For(userId));
        _subscriptions.Add(await stream.SubscribeAsync((streamed, _) =>
        {
            if (streamed.Event is PresenceChangedEvent presence)
            {
                heard.Enqueue(presence);
            }

            return Task.CompletedTask;
        }));
        return heard;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.WaitUntilAsync(condition, what, Timeout);
}
