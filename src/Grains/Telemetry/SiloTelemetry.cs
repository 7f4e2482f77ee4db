using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace Social.Grains.Telemetry;

public static class SiloTelemetry
{
    /// <summary>The configuration key of the admin key that also guards the Orleans Dashboard.</summary>
    public const string AdminKeySetting = "Admin:ApiKey";

    /// <summary>
    /// The silo's part of telemetry: trace context carried through grain calls (when traces are
    /// made, <see cref="SocialTelemetry.TracesEnabled"/>), the grains'
    /// outcomes counted at the call boundary, the number of active silos, and the Orleans
    /// Dashboard's collectors when an admin key is configured (the dashboard is only served behind
    /// that key, so without one its per-call profiling is not paid for).
    /// </summary>
    public static ISiloBuilder AddSocialSiloTelemetry(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (SocialTelemetry.TracesEnabled(configuration))
        {
            silo.AddActivityPropagation();
        }

        if (SocialTelemetry.IsEnabled(configuration))
        {
            silo.Services.AddHostedService<ClusterMetrics>();
        }

        if (IsDashboardEnabled(configuration))
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>
    /// A client-mode front's part: trace context carried into grain calls (when traces are made),
    /// and the dashboard's
    /// client services when an admin key is configured (the front serves the silos' dashboard).
    /// </summary>
    public static IClientBuilder AddSocialClientTelemetry(this IClientBuilder client, IConfiguration configuration)
    {
        if (SocialTelemetry.TracesEnabled(configuration))
        {
            client.AddActivityPropagation();
        }

        if (IsDashboardEnabled(configuration))
        {
            client.AddDashboard();
        }

        return client;
    }

    public static bool IsDashboardEnabled(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[AdminKeySetting]);
}

/// <summary><c>social.cluster.silos</c>: active silos in this silo's view of the membership table.</summary>
internal sealed class ClusterMetrics : IHostedService
{
    public ClusterMetrics(IMeterFactory meters, IClusterMembershipService membership)
    {
        meters.Create(SocialMetrics.MeterName).CreateObservableGauge(
            "social.cluster.silos",
            () => membership.CurrentSnapshot.Members.Values.Count(member => member.Status == SiloStatus.Active),
            "{silo}",
            "Active silos in the cluster, as this silo's membership view has them.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
