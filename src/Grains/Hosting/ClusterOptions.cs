using Orleans.Configuration;

namespace Social.Grains.Hosting;

/// <summary>Where this process's silo listens (configuration section <c>Social:Cluster</c>).</summary>
public sealed class SocialClusterOptions
{
    public const string Section = "Social:Cluster";

    /// <summary>Orleans' <see cref="ClusterMembershipOptions"/>, bound over <see cref="SocialMembershipDefaults"/>.</summary>
    public const string MembershipSection = "Social:Cluster:Membership";

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
/// <para>
/// Orleans' defaults (probe timeout 5 s, table refresh 60 s) declare a killed silo dead after
/// about 6 s and a hung one after about a minute; until then calls to the grains it hosted fail,
/// and the streams whose queues it pulled are silent. With these values, silos probe each other
/// every second or so, so three missed probes (Orleans' default <c>NumMissedProbesLimit</c>)
/// come within about 2–3 s of a kill; a hung silo takes a few seconds more, since probes must
/// time out (at most <see cref="MaxProbeTimeout"/> each) and recent traffic on its connection
/// holds back suspicion for <c>MaxProbeTimeout × NumMissedProbesLimit</c>. Measured figures are
/// in <c>docs/deployment.md</c>.
/// </para>
/// <para>
/// The price is sensitivity: a silo stalled longer than that (a long GC pause, a starved CPU) is
/// voted out and must restart. Raise <c>ProbeTimeout</c> on slow or overcommitted machines.
/// </para>
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
