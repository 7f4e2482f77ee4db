namespace Social.Grains.Hosting;

/// <summary>Where this process's silo listens (configuration section <c>Social:Cluster</c>).</summary>
public sealed class SocialClusterOptions
{
    public const string Section = "Social:Cluster";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (front ends) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one on.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
}
