using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;
using Social.Grains.Hosting;
using Social.Grains.Realtime;

namespace Social.Grains.Tests;

/// <summary>
/// Orleans' pub-sub rendezvous grain of a user's stream is collected after two idle minutes
/// (<see cref="RendezvousGrainAge"/>): the stream's subscribers keep their events, and a front
/// that subscribes or leaves afterwards reactivates it from the PubSubStore.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class RendezvousGrainAgeTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly GrainType RendezvousType = GrainType.Create("pubsubrendezvous");
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
    public void The_silos_collect_rendezvous_grains_after_two_idle_minutes()
    {
        var silo = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary);
        var options = silo.SiloHost.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal("Orleans.Streams.PubSubRendezvousGrain", RendezvousGrainAge.GrainClassName);
        Assert.Equal(TimeSpan.FromMinutes(2), options.ClassSpecificCollectionAge[RendezvousGrainAge.GrainClassName]);
        Assert.True(options.ClassSpecificCollectionAge[RendezvousGrainAge.GrainClassName] < options.CollectionAge);
    }

    [Fact]
    public async Task Subscribers_keep_their_events_and_new_ones_subscribe_after_the_rendezvous_grain_is_collected()
    {
        var userId = TestUsers.NewId();
        var user = fixture.Grains.GetUser(userId);
        var first = await ListenAsync(userId);
        await user.AnnouncePosition();
        await WaitUntilAsync(() => Task.FromResult(!first.IsEmpty), "the first subscriber hears a marker");
        Assert.True(await RendezvousIsActiveAsync(userId));

        // Collects every activation idle for a second (this cluster's other tests use their own users).
        await WaitUntilAsync(async () =>
        {
            await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromSeconds(1));
            return !await RendezvousIsActiveAsync(userId);
        }, "the stream's rendezvous grain is collected");

        first.Clear();
        await user.AnnouncePosition();
        await WaitUntilAsync(() => Task.FromResult(!first.IsEmpty), "the first subscriber still hears markers");

        var second = await ListenAsync(userId); // reactivates the rendezvous grain from the PubSubStore
        Assert.True(await RendezvousIsActiveAsync(userId));
        first.Clear();
        await user.AnnouncePosition();
        await WaitUntilAsync(() => Task.FromResult(!first.IsEmpty && !second.IsEmpty), "both subscribers hear the next marker");
    }

    private async Task<bool> RendezvousIsActiveAsync(string userId)
    {
        var active = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetActiveGrains(RendezvousType);
        var streamKey = UserStreams.For(userId).ToString();
        return active.Any(id => id.Key.ToString().Contains(streamKey, StringComparison.Ordinal));
    }

    /// <summary>Subscribes to the user's stream as a front does, collecting the position markers it carries.</summary>
    private async Task<ConcurrentQueue<PositionMarkerEvent>> ListenAsync(string userId)
    {
        var heard = new ConcurrentQueue<PositionMarkerEvent>();
        var stream = fixture.Cluster.Client.GetStreamProvider(UserStreams.Provider).GetStream<StreamedUserEvent>(UserStreams.For(userId));
        _subscriptions.Add(await stream.SubscribeAsync((streamed, _) =>
        {
            if (streamed.Event is PositionMarkerEvent marker)
            {
                heard.Enqueue(marker);
            }

            return Task.CompletedTask;
        }));
        return heard;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.WaitUntilAsync(condition, what, Timeout);
}
