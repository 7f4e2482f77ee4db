using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Social.Grains.Telemetry;

namespace Social.Silo.Hosting;

/// <summary>
/// A silo's own small HTTP endpoint, on <c>Social:Telemetry:SiloHttpPort</c> (default
/// <see cref="DefaultPort"/>, every address): Prometheus' <c>/metrics</c> and, with an admin key,
/// the Orleans Dashboard at <c>/dashboard</c>. Nothing else is served there.
/// </summary>
public static class SiloHttp
{
    /// <summary>The port OpenTelemetry's Prometheus exporters use by convention.</summary>
    public const int DefaultPort = 9464;

    public static WebApplicationBuilder AddSocialSiloHttp(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue($"{SocialTelemetry.Section}:SiloHttpPort", DefaultPort);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        builder.AddSocialOpenTelemetry("social-silo");
        if (builder.Configuration[SiloTelemetry.AdminKeySetting] is { Length: > 0 } adminKey)
        {
            builder.Services.AddAdminKeyAuthentication(adminKey);
        }

        return builder;
    }

    public static WebApplication MapSocialSiloHttp(this WebApplication app)
    {
        if (SocialTelemetry.IsEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint();
        }

        if (SiloTelemetry.IsDashboardEnabled(app.Configuration))
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapSocialDashboard();
        }

        return app;
    }
}
