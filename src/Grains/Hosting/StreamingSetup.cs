using Orleans.Configuration;
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

    /// <summary>How often the pulling agents look at their queues (Orleans: 100 ms, which every push would wait for).</summary>
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

    /// <summary>The client side of the same provider, for front ends that are Orleans clients.</summary>
    public static IClientBuilder AddSocialStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(UserStreams.Provider, streams => streams.ConfigurePartitioning(QueueCount));
        return client;
    }
}
