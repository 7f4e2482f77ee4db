using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Social.Grains.RateLimiting;
using Social.Grains.Telemetry;
using Social.Grains.Users;

namespace Social.Grains.Hosting;

public static class SocialSiloExtensions
{
    /// <summary>
    /// Configures a silo for Social: PostgreSQL clustering and storage when
    /// <c>ConnectionStrings:Social</c> is set, otherwise the embedded default (localhost
    /// clustering, in-memory storage: nothing survives a restart). Membership probes use
    /// <see cref="SocialMembershipDefaults"/>, overridable in <c>Social:Cluster:Membership</c>.
    /// </summary>
    public static ISiloBuilder AddSocialSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddSocialGrainOptions(configuration);
        silo.AddSocialStreams();
        silo.AddSocialSiloTelemetry(configuration);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoreWarmUp>();
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = SocialNames.ClusterId;
            options.ServiceId = SocialNames.ServiceId;
        });

        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(SocialMembershipDefaults.Apply)
            .Bind(configuration.GetSection(SocialClusterOptions.MembershipSection));
        silo.Services.AddOptions<SiloMessagingOptions>()
            .Configure(options => options.ResponseTimeout = SocialClusterOptions.SiloResponseTimeout)
            .Bind(configuration.GetSection(SocialClusterOptions.SiloMessagingSection));

        var cluster = configuration.GetSection(SocialClusterOptions.Section).Get<SocialClusterOptions>() ?? new SocialClusterOptions();
        var connectionString = configuration.GetConnectionString("Social");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
            silo.AddMemoryGrainStorage(SocialNames.GrainStorage);
            silo.AddMemoryGrainStorage(SocialNames.PubSubStorage);
            silo.Services.AddHostedService<EmbeddedModeAnnouncer>();
        }
        else
        {
            silo.ConfigureEndpoints(ResolveAddress(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseSocialPostgres(connectionString);
        }

        return silo;
    }

    /// <summary>An IP address as it is, or the first IPv4 (else any) address a host name resolves to.</summary>
    private static IPAddress ResolveAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (IPAddress.TryParse(address, out var ip))
        {
            return ip;
        }

        var resolved = Dns.GetHostAddresses(address);
        return resolved.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? resolved.FirstOrDefault()
            ?? throw new InvalidOperationException($"{SocialClusterOptions.Section}:AdvertisedAddress '{address}' does not resolve to an address.");
    }

    /// <summary>Options and services the grains need; used by silos and test clusters alike.</summary>
    public static IServiceCollection AddSocialGrainOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FriendOptions>().Bind(configuration.GetSection(FriendOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Groups.GroupOptions>().Bind(configuration.GetSection(Groups.GroupOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Presence.PresenceOptions>().Bind(configuration.GetSection(Presence.PresenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}

internal sealed partial class EmbeddedModeAnnouncer(ILogger<EmbeddedModeAnnouncer> logger) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        AnnounceNotDurable(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded default: in-process silo with localhost clustering and IN-MEMORY storage. Nothing is durable; set ConnectionStrings__Social to a PostgreSQL server to keep data.")]
    private static partial void AnnounceNotDurable(ILogger logger);
}
