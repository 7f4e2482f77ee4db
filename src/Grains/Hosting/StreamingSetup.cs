using Orleans.Configuration;
using Social.Grains.Realtime;

namespace Social.Grains.Hosting;

public static class StreamingSetup
{
    /// <summary>
    /// Users' event streams: Orleans memory streams. Events are not stored on the way (messages
    /// themselves are, in PostgreSQL), so a silo that dies may drop events in its queues; clients
    /// catch up with <c>afterSeq</c>. Subscriptions live in the PubSubStore (PostgreSQL when
    /// configured), so they survive a silo's death. The pulling agents look at their queues every
    /// 10 ms (Orleans' default is 100 ms), which bounds the push latency the queues add.
    /// </summary>
    public static ISiloBuilder AddSocialStreams(this ISiloBuilder silo)
    {
        silo.AddMemoryStreams(UserStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(4);
            streams.ConfigurePullingAgent(options => options.Configure(agent => agent.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10)));
        });
        return silo;
    }

    /// <summary>The client side of the same provider, for front ends that are Orleans clients.</summary>
    public static IClientBuilder AddSocialStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(UserStreams.Provider, streams => streams.ConfigurePartitioning(4));
        return client;
    }
}
