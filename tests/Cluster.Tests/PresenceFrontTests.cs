using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// Presence across fronts: A is connected to a front that is killed (SIGKILL: it reports
/// nothing more), then to one that is stopped (SIGTERM); B, a friend on another front, sees A go
/// offline both times: after the lease (3 s here) for the killed front, at once for the
/// stopped one. Timings go to the test output, never asserted.
/// </summary>
[Collection(ProcessClusterDefinition.Name)]
public sealed class PresenceFrontTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> ShortLease = new()
    {
        ["Social__Presence__Lease"] = "00:00:03",
        ["Social__Presence__CoalesceWindow"] = "00:00:00.500",
    };

    [Fact(Timeout = 300_000)]
    public async Task A_killed_fronts_users_go_offline_after_the_lease_and_a_stopped_fronts_at_once()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = budget.Token;
        await using var cluster = await LocalCluster.CreateAsync("cluster_presence");
        var clock = cluster.Clock;
        try
        {
            cluster.StartSilo("silo1", out _, settings: ShortLease);
            await cluster.WaitForActiveSilosAsync(1, ct);
            var (doomed, doomedUrl) = cluster.StartFront("front-killed", ShortLease);
            var (stopped, stoppedUrl) = cluster.StartFront("front-stopped", ShortLease);
            var (_, survivor) = cluster.StartFront("front-survivor", ShortLease);
            await Task.WhenAll(cluster.WaitUntilReadyAsync(doomedUrl, ct), cluster.WaitUntilReadyAsync(stoppedUrl, ct), cluster.WaitUntilReadyAsync(survivor, ct));

            var a = await SocialApi.RegisterAsync(survivor, "a", ct);
            var b = await SocialApi.RegisterAsync(survivor, "b", ct);
            using var aHttp = SocialApi.Client(survivor, a);
            using var bHttp = SocialApi.Client(survivor, b);
            await SocialApi.BefriendAsync(aHttp, a, bHttp, b, ct);
            await using var bHears = await PresenceListener.ConnectAsync(survivor, b, ct);

            // Killed: no report ever says A left; the lease ends it.
            var aOnDoomed = await ConnectAsync(doomedUrl, a, ct);
            Assert.Equal("online", (await bHears.NextAsync(a.UserId, ct)).GetProperty("status").GetString());
            var killedAt = clock.Elapsed;
            doomed.Kill();
            var offline = await bHears.NextAsync(a.UserId, ct);
            Assert.Equal("offline", offline.GetProperty("status").GetString());
            output.WriteLine($"MEASURED B heard A offline {(clock.Elapsed - killedAt).TotalSeconds:F2}s after A's front was killed (lease 3 s)");
            Assert.Equal("offline", (await PresenceInListAsync(bHttp, a, ct)).GetProperty("status").GetString());
            await aOnDoomed.DisposeAsync();

            // Stopped cleanly: the front reports zero for its users as it stops.
            await using var aOnStopped = await ConnectAsync(stoppedUrl, a, ct);
            Assert.Equal("online", (await bHears.NextAsync(a.UserId, ct)).GetProperty("status").GetString());
            var stoppedAt = clock.Elapsed;
            stopped.Signal("TERM");
            Assert.Equal("offline", (await bHears.NextAsync(a.UserId, ct)).GetProperty("status").GetString());
            output.WriteLine($"MEASURED B heard A offline {(clock.Elapsed - stoppedAt).TotalSeconds:F2}s after A's front was stopped");
        }
        finally
        {
            cluster.WriteLogs(output);
        }
    }

    /// <summary>A hub connection that does not reconnect: when its front dies, A is gone.</summary>
    private static async Task<HubConnection> ConnectAsync(Uri front, TestUser user, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(front, "/hubs/messages"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken))
            .Build();
        await connection.StartAsync(ct);
        return connection;
    }

    private static async Task<JsonElement> PresenceInListAsync(HttpClient viewer, TestUser friend, CancellationToken ct)
    {
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/friends/list", ct);
        return list.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("userId").GetString() == friend.UserId).GetProperty("presence");
    }

    private sealed class PresenceListener : IAsyncDisposable
    {
        private readonly Channel<JsonElement> _heard = Channel.CreateUnbounded<JsonElement>();

        private PresenceListener(HubConnection connection)
        {
            Connection = connection;
            connection.On<JsonElement>("presence_changed", payload => _heard.Writer.TryWrite(payload));
        }

        public HubConnection Connection { get; }

        public static async Task<PresenceListener> ConnectAsync(Uri front, TestUser user, CancellationToken ct)
        {
            var listener = new PresenceListener(new HubConnectionBuilder()
                .WithUrl(new Uri(front, "/hubs/messages"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken))
                .Build());
            await listener.Connection.StartAsync(ct);
            return listener;
        }

        /// <summary>The next change of <paramref name="userId"/>'s presence, within 20 s.</summary>
        public async Task<JsonElement> NextAsync(string userId, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            while (true)
            {
                var heard = await _heard.Reader.ReadAsync(timeout.Token);
                if (heard.GetProperty("userId").GetString() == userId)
                {
                    return heard;
                }
            }
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
