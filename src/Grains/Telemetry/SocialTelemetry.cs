using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Social.Grains.Telemetry;

/// <summary>
/// OpenTelemetry for every Social process (fronts and silos): metrics always (for Prometheus'
/// <c>/metrics</c>, which the host maps), traces and logs only where they go somewhere. The OTLP
/// exporter follows the standard <c>OTEL_*</c> variables and is on only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; <c>Social:Telemetry:Enabled=false</c> turns all of it off.
/// </summary>
public static class SocialTelemetry
{
    public const string Section = "Social:Telemetry";

    /// <summary>Activity sources of one message's trace: Orleans' grain calls, SignalR's hub invocations.</summary>
    public static readonly string[] ActivitySources =
    [
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.AspNetCore.SignalR.Server",
        "Social.Storage",
        PushTracing.SourceName,
    ];

    /// <summary>Meters exported besides the instrumentation packages': ours, Orleans', SignalR's.</summary>
    public static readonly string[] Meters =
    [
        SocialMetrics.MeterName,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.RateLimiting",
    ];

    /// <summary>
    /// Points (tag combinations) kept per metric stream; more are summed into one overflow point.
    /// OpenTelemetry's default, 2,000, preallocates about 144 KB for each of our ~200 streams
    /// (30 MB in all) although none has more than a few dozen combinations.
    /// </summary>
    public const int MetricCardinalityLimit = 256;

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{Section}:Enabled", defaultValue: true);

    /// <summary>
    /// Whether grain calls carry trace context: when traces go somewhere, that is when an OTLP
    /// endpoint is configured, or when <c>Social:Telemetry:Traces=true</c> says a host added its own
    /// exporter. Otherwise no span is recorded anyway, and Orleans' trace filters only cost: they
    /// put every grain call through two more layers of asynchronous calls (BENCHMARKS.md).
    /// </summary>
    public static bool TracesEnabled(IConfiguration configuration) =>
        IsEnabled(configuration) && configuration.GetValue($"{Section}:Traces", defaultValue: HasOtlpEndpoint(configuration));

    /// <summary>True when an OTLP endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public static bool HasOtlpEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// Registers OpenTelemetry with <paramref name="serviceName"/> as <c>service.name</c> (unless
    /// <c>OTEL_SERVICE_NAME</c> says otherwise). Returns false, registering nothing, when telemetry is off.
    /// </summary>
    public static bool AddSocialOpenTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return false;
        }

        // Sources and sampler for any tracer provider: the OTLP one below, or a test's in-memory exporter.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .SetSampler(new ParentBasedSampler(new RequestRootSampler()))
            .AddSource(ActivitySources)
            .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsScrapeOrProbe(context.Request.Path))
            .AddHttpClientInstrumentation()
            .AddNpgsql());

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricCardinalityLimit })
                .AddPrometheusExporter());

        if (HasOtlpEndpoint(builder.Configuration))
        {
            otel.WithTracing()
                .WithLogging(configureBuilder: null, configureOptions: logging =>
                {
                    logging.IncludeFormattedMessage = true;
                    logging.IncludeScopes = true;
                })
                .UseOtlpExporter();
        }

        return true;
    }

    private static bool IsScrapeOrProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
