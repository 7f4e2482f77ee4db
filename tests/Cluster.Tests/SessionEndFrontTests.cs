using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Testing.Waiting;
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

            var alice = await SocialApi.RegisterAsync(changing, "alice", ct);
            using var oldOnOther = SocialApi.Client(other, alice);
            Assert.Equal(HttpStatusCode.OK, (await oldOnOther.GetAsync("/api/users/me", ct)).StatusCode); // the other front caches the version

            var hubClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(other, "/hubs/messages"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(alice.AccessToken))
                .Build();
            hub.Closed += _ =>
            {
                hubClosed.TrySetResult();
                return Task.CompletedTask;
            };
            await hub.StartAsync(ct);
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{other.Authority}/ws/messages"), ct);
            await SendAsync(socket, new { action = "auth", token = alice.AccessToken }, ct);
            Assert.Equal("auth_ok", (await ReceiveAsync(socket, ct)).GetProperty("type").GetString());

            using var changer = SocialApi.Client(changing, alice);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var changed = await changer.PostAsJsonAsync("/api/users/me/password", new { currentPassword = Social.Testing.Users.TestUsers.Password, newPassword = NewPassword }, ct);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var renewed = alice with { AccessToken = (await changed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()! };

            await hubClosed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            output.WriteLine($"MEASURED the other front's hub connection closed {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");
            var frame = await ReceiveAsync(socket, ct);
            Assert.Equal("unauthorized", frame.GetProperty("data").GetProperty("code").GetString());
            var close = await socket.ReceiveAsync(new byte[256], ct);
            Assert.Equal(WebSocketMessageType.Close, close.MessageType);
            Assert.Equal("session_ended", socket.CloseStatusDescription);
            output.WriteLine($"MEASURED the other front's WebSocket closed {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");

            await Eventually.WaitUntilAsync(
                async () => (await oldOnOther.GetAsync("/api/users/me", ct)).StatusCode == HttpStatusCode.Unauthorized,
                "the other front refuses the old token on REST");
            output.WriteLine($"MEASURED the other front refused the old token on REST {clock.Elapsed.TotalMilliseconds:F0} ms after the change answered");
            using var newOnOther = SocialApi.Client(other, renewed);
            Assert.Equal(HttpStatusCode.OK, (await newOnOther.GetAsync("/api/users/me", ct)).StatusCode);
            using var oldOnChanging = SocialApi.Client(changing, alice);
            Assert.Equal(HttpStatusCode.Unauthorized, (await oldOnChanging.GetAsync("/api/users/me", ct)).StatusCode);
        }
        finally
        {
            cluster.WriteLogs(output);
        }
    }

    private static Task SendAsync(ClientWebSocket socket, object frame, CancellationToken ct) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, ct);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count)).RootElement.Clone();
    }
}
