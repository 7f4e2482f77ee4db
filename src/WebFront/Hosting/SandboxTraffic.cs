using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Grains;
using Social.Storage.Accounts;
using Social.WebFront.Api;
using Social.WebFront.Auth;

namespace Social.WebFront.Hosting;

/// <summary>
/// The messages the sandbox warm-up (<see cref="SandboxWarmUp"/>) sends: friend pairs, each user
/// with an account, a token and a hub connection over a real WebSocket to the sandbox, sending to
/// each other in rounds, as clients do; then one Prometheus scrape over HTTP, once the metrics
/// hold what a loaded server's do.
/// </summary>
internal static class SandboxTraffic
{
    private const int Pairs = 20;

    // The tiered JIT compiles a method quickly at its first call, starts counting calls only once
    // no new method has been compiled for 100 ms, and after 30 calls compiles it again
    // instrumented, then optimized, on a background thread. So the rounds go on, with pauses, for
    // a few seconds: sending in a loop without pauses for the same time left the hot methods
    // unoptimized.
    private static readonly TimeSpan PauseBetweenRounds = TimeSpan.FromMilliseconds(120);
    private static readonly TimeSpan Sending = TimeSpan.FromSeconds(4);

    /// <summary>Sends; answers how many sends were acknowledged and how many <c>new_message</c> events arrived.</summary>
    public static async Task<(int Acknowledged, int Received)> RunAsync(WebApplication sandbox, CancellationToken cancellationToken)
    {
        var address = new Uri(sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var users = await CreateUsersAsync(sandbox.Services, Pairs * 2, cancellationToken);
        var pairs = users.Chunk(2).Select(pair => (A: pair[0], B: pair[1])).ToList();
        var grains = sandbox.Services.GetRequiredService<IGrainFactory>();
        foreach (var (a, b) in pairs)
        {
            await grains.GetFriendship(a.UserId, b.UserId).Request(a.UserId);
            await grains.GetFriendship(a.UserId, b.UserId).Accept(b.UserId);
        }

        var received = 0;
        var connections = new Dictionary<string, HubConnection>(StringComparer.Ordinal);
        try
        {
            foreach (var user in users)
            {
                var connection = Connect(address, user.Token);
                connection.On<JsonElement>("new_message", _ => Interlocked.Increment(ref received));
                connections[user.UserId] = connection;
            }

            await Task.WhenAll(connections.Values.Select(connection => connection.StartAsync(cancellationToken)));
            var acknowledged = await SendRoundsAsync(pairs, connections, cancellationToken);
            await ScrapeMetricsAsync(address, cancellationToken);
            return (acknowledged, Volatile.Read(ref received));
        }
        finally
        {
            await Task.WhenAll(connections.Values.Select(connection => connection.DisposeAsync().AsTask()));
        }
    }

    private static async Task<int> SendRoundsAsync(
        List<(SandboxUser A, SandboxUser B)> pairs, Dictionary<string, HubConnection> connections, CancellationToken cancellationToken)
    {
        var acknowledged = 0;
        var sending = Stopwatch.StartNew();
        for (var round = 0; sending.Elapsed < Sending; round++)
        {
            var clientId = round.ToString(CultureInfo.InvariantCulture);
            var even = round % 2 == 0;
            await Task.WhenAll(pairs.Select(async pair =>
            {
                var (sender, recipient) = even ? (pair.A, pair.B) : (pair.B, pair.A);
                var request = new SendMessageRequest(recipient.UserId, "warm-up", clientId);
                await connections[sender.UserId].InvokeAsync<JsonElement>("SendMessage", request, cancellationToken);
                Interlocked.Increment(ref acknowledged);
            }));
            await Task.Delay(PauseBetweenRounds, cancellationToken);
        }

        return acknowledged;
    }

    private static HubConnection Connect(Uri address, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hubs/messages"), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    /// <summary>Accounts made in the sandbox's own in-memory directory, and tokens from its own issuer.</summary>
    private static async Task<List<SandboxUser>> CreateUsersAsync(IServiceProvider services, int count, CancellationToken cancellationToken)
    {
        var directory = services.GetRequiredService<IUserDirectory>();
        var issuer = services.GetRequiredService<TokenIssuer>();
        var users = new List<SandboxUser>(count);
        for (var i = 0; i < count; i++)
        {
            var userId = Guid.NewGuid().ToString();
            var username = $"warmup{i}";
            await directory.TryCreateAsync(new UserAccount(userId, username, username, null, "", DateTimeOffset.UtcNow), cancellationToken);
            users.Add(new SandboxUser(userId, issuer.Issue(userId, username, sessionVersion: 0).AccessToken));
        }

        return users;
    }

    private static async Task ScrapeMetricsAsync(Uri address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address };
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private sealed record SandboxUser(string UserId, string Token);
}
