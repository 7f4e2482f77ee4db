using System.Net;
using Social.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// A password change on one front ends the user's older sessions on another: the hub and raw
/// WebSocket connections there (opened with the old token) are closed, and that front refuses the
/// old token on REST within the session check interval. Timings go to the output, never asserted.
/// </summary>
[Collection(ProcessClusterDefinition.Name)]
public sealed class SessionEndFrontTests(ITestOutputHelper output)
{
    private const string NewPassword = "a brand new secret";

    [Fact(Timeout = 300_000)]
    public async Task A_password_change_on_one_front_closes_the_old_sessions_connections_on_another()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = budget.Token;
        await using var cluster = await LocalCluster.CreateAsync("cluster_sessions");
        try
        {
            cluster.StartSilo("silo1", out _);
            await cluster.WaitForActiveSilosAsync(1, ct);
            var (_, changing) = cluster.StartFront("front-changing");
            var (_, other) = cluster.StartFront("front-other");
            await Task.WhenAll(cluster.WaitUntilReadyAsync(changing, ct), cluster.WaitUntilReadyAsync(other, ct));

            using var alice = await Fronts.SignUpAsync(changing, "alice", ct);
            using var oldOnOther = Fronts.ClientOf(other, alice.AccessToken);
            Assert.Equal(HttpStatusCode.OK, await MeAsync(oldOnOther, ct)); // the other front caches the version

            var hubClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var hub = EventRecorder.Create(other, alice.AccessToken);
            hub.Connection.Closed += _ =>
            {
                hubClosed.TrySetResult();
                return Task.CompletedTask;
            };
            await hub.Connection.StartAsync(ct);
            var (socket, answer) = await RawSocket.OpenAsync(other, alice.AccessToken, ct);
            using var socketDisposal = socket;
            Assert.Equal("auth_ok", answer.GetProperty("type").GetString());

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var renewedToken = (await alice.Client.Auth.ChangePasswordAsync(TestUsers.Password, NewPassword, ct)).AccessToken;

            await hubClosed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            output.WriteLine($"MEASURED the other front's hub connection closed {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");
            var frame = await socket.ReceiveAsync(cancellationToken: ct);
            Assert.Equal("unauthorized", frame.GetProperty("data").GetProperty("code").GetString());
            await socket.ReceiveCloseAsync(cancellationToken: ct);
            Assert.Equal("session_ended", socket.CloseStatusDescription);
            output.WriteLine($"MEASURED the other front's WebSocket closed {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");

            await Eventually.WaitUntilAsync(
                async () => await MeAsync(oldOnOther, ct) == HttpStatusCode.Unauthorized,
                "the other front refuses the old token on REST",
                cancellationToken: ct);
            output.WriteLine($"MEASURED the other front refused the old token on REST {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");
            using var newOnOther = Fronts.ClientOf(other, renewedToken);
            Assert.Equal(HttpStatusCode.OK, await MeAsync(newOnOther, ct));
            using var oldOnChanging = Fronts.ClientOf(changing, alice.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(oldOnChanging, ct));
        }
        finally
        {
            cluster.WriteLogs(output);
        }
    }

    /// <summary>What <c>GET /api/users/me</c> answers the client's token with.</summary>
    private static async Task<HttpStatusCode> MeAsync(SocialClient client, CancellationToken ct)
    {
        try
        {
            await client.Users.GetMeAsync(ct);
            return HttpStatusCode.OK;
        }
        catch (SocialApiException refused) when (refused.Status is { } status)
        {
            return (HttpStatusCode)status;
        }
    }
}
