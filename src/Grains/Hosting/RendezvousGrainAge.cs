using Orleans.Configuration;
using Orleans.Streams;

namespace Social.Grains.Hosting;

/// <summary>
/// Orleans' pub-sub rendezvous grain (one per user stream) is needed only while a front
/// subscribes or unsubscribes, or a pulling agent first meets the stream; its subscriptions are
/// kept in the PubSubStore, and a later call reactivates it from there. Kept for Orleans' default
/// 15 minutes it is a third activation for every connected user (BENCHMARKS.md, idle memory), so
/// it is collected after <see cref="IdleAge"/> instead. The cost: the stream's next subscribe or
/// unsubscribe after that (a user's last disconnect from a front, usually) pays one activation and
/// one PubSubStore read, as every user's first connection does.
/// </summary>
public static class RendezvousGrainAge
{
    /// <summary>Orleans requires more than its collection quantum (1 minute).</summary>
    public static readonly TimeSpan IdleAge = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The grain class is internal to Orleans.Streaming and is found by name; resolving it here
    /// makes a rename in an Orleans upgrade fail at startup instead of silently keeping the default.
    /// </summary>
    public static string GrainClassName { get; } =
        typeof(IStreamProvider).Assembly.GetType("Orleans.Streams.PubSubRendezvousGrain", throwOnError: true)!.FullName!;

    public static ISiloBuilder CollectIdleRendezvousGrains(this ISiloBuilder silo)
    {
        silo.Configure<GrainCollectionOptions>(options => options.ClassSpecificCollectionAge[GrainClassName] = IdleAge);
        return silo;
    }
}
