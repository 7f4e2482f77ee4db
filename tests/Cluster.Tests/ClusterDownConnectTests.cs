using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// A client that calls or connects while the front cannot reach any silo is told to retry: REST
/// answers <c>503 unavailable</c> (not 500), the hub's
/// handshake fails with <c>unavailable</c> and the raw WebSocket answers the auth frame with an
/// <c>unavailable</c> error and closes with 1013 (Try Again Later), instead of either closing
/// with 1011 as after a server error. Once a silo is back, the same client connects.
/// </summary>
[Collection(ProcessClusterDefinition.Name)]
public sealed class ClusterDownConnectTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task Connecting_while_no_silo_answers_is_refused_as_unavailable_and_works_once_one_is_back()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = budget.Token;
        await using var cluster = await LocalCluster.CreateAsync("cluster_down_connect");
        try
        {
            var silo = cluster.StartSilo("silo1", out _);
            await cluster.WaitForActiveSilosAsync(1, ct);
            var (_, front) = cluster.StartFront("front1");
            await cluster.WaitUntilReadyAsync(front, ct);
            using var user = await Fronts.SignUpAsync(front, "down", ct);

            silo.Kill();
            output.WriteLine($"{cluster.Clock.Elapsed.TotalSeconds:F2}s silo1 killed");

            var restRefusal = await Assert.ThrowsAsync<SocialApiException>(() => user.Client.Friends.ListAsync(cancellationToken: ct));
            Assert.Equal((503, "unavailable"), (restRefusal.Status, restRefusal.Code));

            var hubRefusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var hub = await EventRecorder.ConnectAsync(front, user.AccessToken, cancellationToken: ct);
            });
            output.WriteLine($"hub: {hubRefusal.GetType().Name}: {hubRefusal.Message}");
            Assert.Contains("unavailable", hubRefusal.Message, StringComparison.Ordinal);

            using (var socket = await RawSocket.ConnectAsync(front, ct))
            {
                var answer = await socket.AuthenticateAsync(user.AccessToken, cancellationToken: ct);
                Assert.Equal("error", answer.GetProperty("type").GetString());
                Assert.Equal("unavailable", answer.GetProperty("code").GetString());
                await socket.ReceiveCloseAsync(cancellationToken: ct);
                Assert.Equal((WebSocketCloseStatus)1013, socket.CloseStatus);
            }

            cluster.StartSilo("silo2", out _);
            await cluster.WaitForActiveSilosAsync(1, ct);
            await using var connected = await Eventually.HoldsAsync(() => EventRecorder.ConnectAsync(front, user.AccessToken, cancellationToken: ct), TimeSpan.FromSeconds(60));
            Assert.Equal(HubConnectionState.Connected, connected.Connection.State);
        }
        catch
        {
            cluster.WriteLogs(output);
            throw;
        }
    }
}
