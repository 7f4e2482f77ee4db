using System.Text.Json;
using Social.Client;
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

            using var a = await Fronts.SignUpAsync(survivor, "a", ct);
            using var b = await Fronts.SignUpAsync(survivor, "b", ct);
            await TestUsers.BefriendAsync(a, b, ct);
            await using var bHears = await EventRecorder.ConnectAsync(survivor, b.AccessToken, cancellationToken: ct);

            // Killed: no report ever says A left; the lease ends it. A's connections do not reconnect: when the front dies, A is gone.
            var aOnDoomed = await EventRecorder.ConnectAsync(doomedUrl, a.AccessToken, cancellationToken: ct);
            Assert.Equal("online", (await NextPresenceAsync(bHears, a.UserId, ct)).GetProperty("status").GetString());
            var killedAt = clock.Elapsed;
            doomed.Kill();
            var offline = await NextPresenceAsync(bHears, a.UserId, ct);
            Assert.Equal("offline", offline.GetProperty("status").GetString());
            output.WriteLine($"MEASURED B heard A offline {(clock.Elapsed - killedAt).TotalSeconds:F2}s after A's front was killed (lease 3 s)");
            Assert.Equal("offline", (await PresenceInListAsync(b, a, ct)).Status);
            await aOnDoomed.DisposeAsync();

            // Stopped cleanly: the front reports zero for its users as it stops.
            await using var aOnStopped = await EventRecorder.ConnectAsync(stoppedUrl, a.AccessToken, cancellationToken: ct);
            Assert.Equal("online", (await NextPresenceAsync(bHears, a.UserId, ct)).GetProperty("status").GetString());
            var stoppedAt = clock.Elapsed;
            stopped.Signal("TERM");
            Assert.Equal("offline", (await NextPresenceAsync(bHears, a.UserId, ct)).GetProperty("status").GetString());
            output.WriteLine($"MEASURED B heard A offline {(clock.Elapsed - stoppedAt).TotalSeconds:F2}s after A's front was stopped");
        }
        finally
        {
            cluster.WriteLogs(output);
        }
    }

    /// <summary>The next change of <paramref name="userId"/>'s presence <paramref name="listener"/> hears, within 20 s.</summary>
    private static async Task<JsonElement> NextPresenceAsync(EventRecorder listener, string userId, CancellationToken ct) =>
        (await listener.TryNextAsync(heard => heard.Name == "presence_changed" && heard.Data.GetProperty("userId").GetString() == userId, TimeSpan.FromSeconds(20), ct))?.Data
        ?? throw new TimeoutException($"no presence_changed for {userId} within 20 s");

    private static async Task<FriendPresence> PresenceInListAsync(TestUser viewer, TestUser friend, CancellationToken ct)
    {
        var list = await viewer.Client.Friends.ListAsync(cancellationToken: ct);
        return list.Items.Single(item => item.UserId == friend.UserId).Presence ?? throw new InvalidOperationException("the friend list has no presence");
    }
}
