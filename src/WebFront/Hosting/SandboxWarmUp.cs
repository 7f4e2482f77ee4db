using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Social.WebFront.Hosting;

/// <summary>
/// Before the server's own silo starts, runs a throwaway copy of the server (in-memory storage,
/// its own loopback ports, configuration of its own, no logs) and sends a few hundred messages
/// through it as clients do (<see cref="SandboxTraffic"/>: hub connections over WebSockets, the
/// send gate, the grains, the users' streams, the front's subscriptions and sinks). Compiled code belongs to the process, so the real server then starts
/// with its send and push path compiled and mostly optimized, where a fresh server under
/// immediate load compiled it on the threads holding its first users' sends and refused
/// thousands of them (BENCHMARKS.md, "Cold start: warm-up"). Nothing of the copy outlives it.
/// Bounded by <see cref="Limit"/>; a failure is logged and the server starts anyway. Off with
/// <c>Social:WarmUp:Sandbox=false</c>.
/// </summary>
internal sealed partial class SandboxWarmUp(ILogger<SandboxWarmUp> logger) : IHostedService
{
    public const string EnabledKey = "Social:WarmUp:Sandbox";

    /// <summary>Longest the server's start waits for it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Set in the sandbox's own configuration only.</summary>
    private const string SandboxKey = "Social:WarmUp:IsSandbox";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledKey, defaultValue: true);

    /// <summary>True in the sandbox copy itself.</summary>
    public static bool IsSandbox(IConfiguration configuration) => configuration.GetValue(SandboxKey, defaultValue: false);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // Cancelled, the sandbox stops sending and is stopped, so nothing of it runs beside the real server.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            var (acknowledged, received) = await RunAsync(limit.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            WarmedUp(logger, acknowledged, received, elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while starting.
        }
        catch (Exception exception)
        {
            WarmUpFailed(logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the copy, sends through it, stops it.</summary>
    private static async Task<(int Acknowledged, int Received)> RunAsync(CancellationToken cancellationToken)
    {
        await using var sandbox = Build();
        await sandbox.StartAsync(cancellationToken);
        try
        {
            var (acknowledged, received) = await SandboxTraffic.RunAsync(sandbox, cancellationToken);
            return acknowledged > 0 && received > 0 ? (acknowledged, received) : throw new InvalidOperationException("No warm-up message went through.");
        }
        finally
        {
            await sandbox.StopAsync(CancellationToken.None);
        }
    }

    private static WebApplication Build()
    {
        var builder = WebApplication.CreateBuilder();

        // Nothing of the real server's configuration (its database, ports, endpoints, keys).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [EnabledKey] = "false",
            [SandboxKey] = "true",

            // Without a key the server makes (and keeps, in the home directory) a development key.
            ["Social:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Social:Cluster:SiloPort"] = FreeLoopbackPort(),
            ["Social:Cluster:GatewayPort"] = FreeLoopbackPort(),
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.AddSocialServer();

        var sandbox = builder.Build();
        sandbox.UseSocialServer();
        return sandbox;
    }

    private static string FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the send and push path in a sandbox: {Acknowledged} messages sent and {Received} pushed in {ElapsedMs:F0} ms")]
    private static partial void WarmedUp(ILogger logger, int acknowledged, int received, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sandbox warm-up failed; the first users will pay for compiling the send path")]
    private static partial void WarmUpFailed(ILogger logger, Exception exception);
}
