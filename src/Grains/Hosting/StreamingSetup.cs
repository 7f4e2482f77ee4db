using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization.Configuration;
using Social.Grains.Realtime;

namespace Social.Grains.Hosting;

/// <summary>
/// Users' event streams, in one place: the provider, its queues, how often they are read, how
/// long read events are cached, and how failed reads are retried.
/// </summary>
public static class StreamingSetup
{
    /// <summary>Memory-stream queues per cluster; each is a grain that every publish of its users' streams goes through.</summary>
    private const int QueueCount = 4;

    /// <summary>
    /// How often a pulling agent reads its queue again after a read found nothing (Orleans: 100 ms).
    /// With <see cref="WakingStreamQueueGrain"/> that read has already waited for an event, so
    /// this is only the pause between two waits.
    /// </summary>
    private static readonly TimeSpan QueuePollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a delivered event stays in a pulling agent's cache (Orleans: 5–30 minutes, which
    /// grew the heap by about a kilobyte per message: BENCHMARKS.md, "Real-time load"). Our
    /// subscribers never rewind, so 10 s is plenty.
    /// </summary>
    private static readonly TimeSpan CachedEventLifetime = TimeSpan.FromSeconds(10);

    /// <summary>How long the cache remembers the last purged event of a stream (Orleans: 10 minutes), to tell a late cursor it missed events.</summary>
    private static readonly TimeSpan PurgedEventMemory = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Users' event streams: Orleans memory streams. Events are not stored on the way (messages
    /// themselves are, in PostgreSQL), so a silo that dies may drop events in its queues; clients
    /// catch up with <c>afterSeq</c>. Subscriptions live in the PubSubStore (PostgreSQL when
    /// configured), so they survive a silo's death.
    /// </summary>
    public static ISiloBuilder AddSocialStreams(this ISiloBuilder silo)
    {
        silo.UseStreamQueueGrain(silo.Configuration.GetValue(WakingQueuesKey, defaultValue: true));
        silo.Services.PostConfigure<TypeManifestOptions>(StreamPayloadCopier.Replace);
        silo.AddMemoryStreams(UserStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(QueueCount);
            streams.ConfigurePullingAgent(options => options.Configure(agent => agent.GetQueueMsgsTimerPeriod = QueuePollPeriod));
            streams.ConfigureCacheEviction(options => options.Configure(cache =>
            {
                cache.DataMinTimeInCache = CachedEventLifetime;
                cache.DataMaxAgeInCache = CachedEventLifetime;
                cache.MetadataMinTimeInCache = PurgedEventMemory;
            }));

            // After a silo dies, the survivors' pulling agents fail to read the queues it held until
            // the queues reactivate; Orleans then waits 10–20 s before reading again, and users'
            // events wait with it. Retry within a second or two instead.
            streams.ConfigureBackoffProvider((_, _) => new QuickQueueReaderBackoff());
        });
        return silo;
    }

    /// <summary>Set to false to go back to Orleans' own queue grain, which agents poll (for comparison runs).</summary>
    public const string WakingQueuesKey = "Social:Streams:WakingQueues";

    /// <summary>
    /// Both grain classes implement <see cref="IMemoryStreamQueueGrain"/>, and Orleans resolves an
    /// interface to a grain class only when exactly one is registered, so the other is removed.
    /// </summary>
    private static void UseStreamQueueGrain(this ISiloBuilder silo, bool waking)
    {
        var unused = waking ? typeof(MemoryStreamQueueGrain) : typeof(WakingStreamQueueGrain);
        silo.Services.PostConfigure<GrainTypeOptions>(options => options.Classes.Remove(unused));
    }

    /// <summary>The client side of the same provider, for front ends that are Orleans clients.</summary>
    public static IClientBuilder AddSocialStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(UserStreams.Provider, streams => streams.ConfigurePartitioning(QueueCount));
        return client;
    }
}
