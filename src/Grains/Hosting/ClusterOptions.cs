using Orleans.Configuration;

namespace Social.Grains.Hosting;

/// <summary>Where this process's silo listens (configuration section <c>Social:Cluster</c>).</summary>
public sealed class SocialClusterOptions
{
    public const string Section = "Social:Cluster";

    /// <summary>Orleans' <see cref="ClusterMembershipOptions"/>, bound over <see cref="SocialMembershipDefaults"/>.</summary>
    public const string MembershipSection = "Social:Cluster:Membership";

    /// <summary>Orleans' <see cref="SiloMessagingOptions"/>, bound over <see cref="SiloResponseTimeout"/>.</summary>
    public const string SiloMessagingSection = "Social:Cluster:SiloMessaging";

    /// <summary>
    /// How long a silo waits for a call's response (Orleans: 30 s), the same as the fronts'. A call
    /// routed through a hung silo (a stream agent's handshake with a front, through that silo's
    /// gateway) is not failed when the silo is declared dead, and the agent pauses its whole queue
    /// meanwhile; this bounds that pause. Nothing longer is useful: the front has given up by then.
    /// </summary>
    public static readonly TimeSpan SiloResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (front ends) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this one on: an IP address, or a host name that
    /// resolves to one (a container's service name); the silo listens on that address only.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
}

/// <summary>
/// Membership probe settings tuned for fast failure detection, applied before the
/// <c>Social:Cluster:Membership</c> section (any <see cref="ClusterMembershipOptions"/> property
/// can be overridden there, e.g. <c>Social__Cluster__Membership__ProbeTimeout=00:00:02</c>).
/// </summary>
/// <remarks>
/// A killed silo is declared dead in about 2 s instead of Orleans' 6 s, at the price of voting
/// out a silo that stalls for a few seconds; the reasoning and the measured figures are in
/// docs/deployment.md ("Failure detection").
/// </remarks>
public static class SocialMembershipDefaults
{
    /// <summary>The initial probe timeout and period (Orleans: 5 s); adapts between half of it and <see cref="MaxProbeTimeout"/>.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The longest a probe may wait (Orleans: four times <see cref="ProbeTimeout"/>).</summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often each silo re-reads the membership table (Orleans: 60 s); gossip usually tells sooner.</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo writes its heartbeat to the table (Orleans: 30 s); three missed ones make its entry stale.</summary>
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);

    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = ProbeTimeout;
        options.MaxProbeTimeout = MaxProbeTimeout;
        options.TableRefreshTimeout = TableRefreshTimeout;
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
    }
}
