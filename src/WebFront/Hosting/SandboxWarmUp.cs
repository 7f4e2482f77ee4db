using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Social.Grains;
using Social.Grains.Messages;
using Social.WebFront.Overload;
using Social.WebFront.Realtime;

namespace Social.WebFront.Hosting;

/// <summary>
/// Before the server's own silo starts, runs a throwaway copy of the server (in-memory storage,
/// its own loopback ports, configuration of its own, no logs) and sends a few hundred messages
/// through it: the send gate, the conversation and user grains, the users' streams, the front's
/// subscriptions and sinks. Compiled code belongs to the process, so the real server then starts
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

    private const int Pairs = 20;

    // The tiered JIT compiles a method quickly at its first call, starts counting calls only once
    // no new method has been compiled for 100 ms, and after 30 calls compiles it again
    // instrumented, then optimized, on a background thread. So the rounds go on, with pauses, for
    // a few seconds: sending in a loop without pauses for the same time left the hot methods
    // unoptimized.
    private static readonly TimeSpan PauseBetweenRounds = TimeSpan.FromMilliseconds(120);
    private static readonly TimeSpan Sending = TimeSpan.FromSeconds(4);

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledKey, defaultValue: true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var sent = await RunAsync(cancellationToken).WaitAsync(Limit, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            WarmedUp(logger, sent, elapsed.TotalMilliseconds);
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

    /// <summary>Starts the copy, sends through it, stops it; answers how many messages were stored.</summary>
    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var sandbox = Build();
        await sandbox.StartAsync(cancellationToken);
        try
        {
            var sent = await SendAsync(sandbox.Services, cancellationToken);
            await ScrapeMetricsAsync(sandbox, cancellationToken);
            return sent;
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

    private static async Task<int> SendAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var gate = services.GetRequiredService<SendGate>();
        var subscriptions = services.GetRequiredService<UserStreamSubscriptions>();
        var pairs = Enumerable.Range(0, Pairs).Select(i => (A: $"warm-up-{i}-a", B: $"warm-up-{i}-b")).ToList();
        var users = pairs.SelectMany(pair => (string[])[pair.A, pair.B]).ToList();

        foreach (var (a, b) in pairs)
        {
            await grains.GetFriendship(a, b).Request(a);
            await grains.GetFriendship(a, b).Accept(b);
        }

        await Task.WhenAll(users.Select(subscriptions.AddConnectionAsync));
        var stored = 0;
        var sending = Stopwatch.StartNew();
        for (var round = 0; sending.Elapsed < Sending; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clientId = round.ToString(CultureInfo.InvariantCulture);
            var results = await Task.WhenAll(pairs.Select(pair =>
            {
                var (sender, recipient) = round % 2 == 0 ? (pair.A, pair.B) : (pair.B, pair.A);
                var command = new SendMessageCommand(sender, recipient, "warm-up", clientId);
                return gate.RunAsync(() => grains.GetConversation(ConversationIds.Direct(sender, recipient)).Send(command));
            }));
            stored += results.Count(result => result.Message is not null);

            await Task.Delay(PauseBetweenRounds, cancellationToken);
        }

        await Task.WhenAll(users.Select(subscriptions.RemoveConnectionAsync));
        return stored > 0 ? stored : throw new InvalidOperationException("No warm-up message was stored.");
    }

    /// <summary>A Prometheus scrape over HTTP, once the metrics hold what a loaded server's do (histograms, many tags).</summary>
    private static async Task ScrapeMetricsAsync(WebApplication sandbox, CancellationToken cancellationToken)
    {
        var address = sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static string FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the send and push path in a sandbox: {Sent} messages in {ElapsedMs:F0} ms")]
    private static partial void WarmedUp(ILogger logger, int sent, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sandbox warm-up failed; the first users will pay for compiling the send path")]
    private static partial void WarmUpFailed(ILogger logger, Exception exception);
}
