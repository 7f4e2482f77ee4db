using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Testing.Waiting;
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
            var user = await SocialApi.RegisterAsync(front, "down", ct);

            silo.Kill();
            output.WriteLine($"{cluster.Clock.Elapsed.TotalSeconds:F2}s silo1 killed");

            using (var rest = SocialApi.Client(front, user))
            using (var friends = await rest.GetAsync("/api/friends/list", ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, friends.StatusCode);
                using var problem = JsonDocument.Parse(await friends.Content.ReadAsStringAsync(ct));
                Assert.Equal("unavailable", problem.RootElement.GetProperty("code").GetString());
            }

            var hubRefusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var hub = await HubEvents.ConnectAsync(front, user.AccessToken);
            });
            output.WriteLine($"hub: {hubRefusal.GetType().Name}: {hubRefusal.Message}");
            Assert.Contains("unavailable", hubRefusal.Message, StringComparison.Ordinal);

            using (var socket = new ClientWebSocket())
            {
                await socket.ConnectAsync(new Uri($"ws://{front.Authority}/ws/messages"), ct);
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { action = "auth", token = user.AccessToken }), WebSocketMessageType.Text, true, ct);
                var buffer = new byte[4096];
                var frame = await socket.ReceiveAsync(buffer, ct);
                using var answer = JsonDocument.Parse(buffer.AsMemory(0, frame.Count));
                Assert.Equal("error", answer.RootElement.GetProperty("type").GetString());
                Assert.Equal("unavailable", answer.RootElement.GetProperty("code").GetString());
                var close = await socket.ReceiveAsync(buffer, ct);
                Assert.Equal(WebSocketMessageType.Close, close.MessageType);
                Assert.Equal((WebSocketCloseStatus)1013, socket.CloseStatus);
            }

            cluster.StartSilo("silo2", out _);
            await cluster.WaitForActiveSilosAsync(1, ct);
            await using var connected = await Eventually.HoldsAsync(() => HubEvents.ConnectAsync(front, user.AccessToken), TimeSpan.FromSeconds(60));
            Assert.Equal(HubConnectionState.Connected, connected.Connection.State);
        }
        catch
        {
            cluster.WriteLogs(output);
            throw;
        }
    }
}
