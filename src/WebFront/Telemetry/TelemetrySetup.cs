using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Social.Grains.Telemetry;
using Social.WebFront.Realtime;

namespace Social.WebFront.Telemetry;

public static class TelemetrySetup
{
    /// <summary>
    /// OpenTelemetry for a front (service <c>social-front</c>; see <see cref="SocialTelemetry"/>), the
    /// front's own gauges and hub connection counts, and the admin key's scheme for the dashboard.
    /// </summary>
    public static WebApplicationBuilder AddSocialTelemetry(this WebApplicationBuilder builder)
    {
        if (builder.AddSocialOpenTelemetry("social-front"))
        {
            builder.Services.AddHostedService<FrontMetrics>();
            builder.Services.Configure<HubOptions>(options => options.AddFilter<ConnectionMetricsHubFilter>());
        }

        if (builder.Configuration[SiloTelemetry.AdminKeySetting] is { Length: > 0 } adminKey)
        {
            builder.Services.AddAdminKeyAuthentication(adminKey);
        }

        return builder;
    }

    /// <summary>Prometheus' <c>/metrics</c>, and the Orleans Dashboard at <c>/dashboard</c> behind the admin key.</summary>
    public static WebApplication MapSocialTelemetry(this WebApplication app)
    {
        if (SocialTelemetry.IsEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        }

        if (SiloTelemetry.IsDashboardEnabled(app.Configuration))
        {
            app.MapSocialDashboard();
        }

        return app;
    }
}

/// <summary><c>social.stream.subscriptions</c>: users this front holds a stream subscription for.</summary>
internal sealed class FrontMetrics : IHostedService
{
    public FrontMetrics(IMeterFactory meters, UserStreamSubscriptions subscriptions)
    {
        meters.Create(SocialMetrics.MeterName).CreateObservableUpDownCounter(
            "social.stream.subscriptions",
            () => subscriptions.ActiveUsers,
            "{user}",
            "Users with a stream subscription on this front (at least one connection here).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Counts open SignalR connections (<c>social.connections.active</c>, transport <c>signalr</c>).</summary>
internal sealed class ConnectionMetricsHubFilter : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        SocialMetrics.ConnectionOpened(SocialMetrics.SignalR);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        SocialMetrics.ConnectionClosed(SocialMetrics.SignalR);
        await next(context, exception);
    }
}
