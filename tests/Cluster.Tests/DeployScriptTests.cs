using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// The contract's Real time section across two fronts and two silos as <c>deploy/run-local.sh</c>
/// starts them: each user has connections on both fronts (SignalR and the raw WebSocket), and
/// every event reaches every connection whichever front the action came through.
/// </summary>
public sealed class DeployScriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_event_reaches_every_connection_across_the_fronts_the_deploy_script_starts()
    {
        int[] pids;
        await using (var cluster = await RunLocalScript.StartAsync(output, runForSeconds: 600))
        {
            pids = [.. cluster.Pids.Values];
            Assert.Equal(4, pids.Length);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var token = cancellation.Token;

            foreach (var front in new[] { cluster.Front1, cluster.Front2 })
            {
                using var anonymous = SocialApi.Client(front);
                using var negotiate = await anonymous.PostAsync("/hubs/messages/negotiate?negotiateVersion=1", null, token);
                Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
                var (refused, answer) = await SocketEvents.ConnectAsync(front, "not-a-token");
                Assert.Null(refused);
                Assert.Equal("auth_failed", answer.GetProperty("code").GetString());
            }

            var a = await SocialApi.RegisterAsync(cluster.Front1, "deploy_a", token);
            var b = await SocialApi.RegisterAsync(cluster.Front2, "deploy_b", token);
            using var aRest = SocialApi.Client(cluster.Front1, a);
            using var bRest = SocialApi.Client(cluster.Front2, b);

            // Every user on both fronts; b also over the seed's raw WebSocket.
            await using var aOnFront1 = await HubEvents.ConnectAsync(cluster.Front1, a.AccessToken);
            await using var aOnFront2 = await HubEvents.ConnectAsync(cluster.Front2, a.AccessToken);
            await using var bOnFront1 = await HubEvents.ConnectAsync(cluster.Front1, b.AccessToken);
            var (bSocket, bAuth) = await SocketEvents.ConnectAsync(cluster.Front2, b.AccessToken);
            Assert.Equal(b.UserId, bAuth.GetProperty("userId").GetString());
            await using var bOnFront2 = bSocket!;

            using (var request = await aRest.PostAsync($"/api/friends/request/{b.UserId}", null, token))
            {
                Assert.Equal(HttpStatusCode.OK, request.StatusCode);
            }

            foreach (var connection in new UserEvents[] { bOnFront1, bOnFront2 })
            {
                var friendRequest = await connection.NextAsync("friend_request");
                Assert.Equal(a.UserId, friendRequest.GetProperty("fromUserId").GetString());
                Assert.Equal(a.Username, friendRequest.GetProperty("username").GetString());
            }

            using (var accept = await bRest.PostAsync($"/api/friends/accept/{a.UserId}", null, token))
            {
                Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
            }

            foreach (var connection in new UserEvents[] { aOnFront1, aOnFront2 })
            {
                Assert.Equal(b.UserId, (await connection.NextAsync("friend_accepted")).GetProperty("userId").GetString());
            }

            // a sends through the hub on front 1: b hears it on both fronts, a's other device too.
            var sent = await aOnFront1.Connection.InvokeAsync<JsonElement>("SendMessage",
                new { recipientId = b.UserId, content = "hello across fronts", clientMessageId = "deploy-1" }, token);
            var conversationId = sent.GetProperty("conversationId").GetString()!;
            Assert.Equal(1, sent.GetProperty("seq").GetInt64());
            foreach (var connection in new UserEvents[] { bOnFront1, bOnFront2, aOnFront2 })
            {
                var pushed = await connection.NextAsync("new_message");
                Assert.Equal(sent.GetProperty("messageId").GetString(), pushed.GetProperty("messageId").GetString());
                Assert.Equal("hello across fronts", pushed.GetProperty("content").GetString());
            }

            // b answers over REST on front 2.
            using (var reply = await bRest.PostAsJsonAsync("/api/messages/send", new { recipientId = a.UserId, content = "hi back", clientMessageId = "deploy-2" }, token))
            {
                Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
            }

            foreach (var connection in new UserEvents[] { aOnFront1, aOnFront2, bOnFront1, bOnFront2 })
            {
                var pushed = await connection.NextAsync("new_message");
                if (connection == aOnFront2 || connection == bOnFront1 || connection == bOnFront2)
                {
                    // These connections heard seq 1 above; this is seq 2.
                    Assert.Equal(2, pushed.GetProperty("seq").GetInt64());
                }
                else
                {
                    // a's sending connection also hears its own message (seq 1) before b's reply.
                    Assert.Equal(1, pushed.GetProperty("seq").GetInt64());
                    Assert.Equal(2, (await connection.NextAsync("new_message")).GetProperty("seq").GetInt64());
                }
            }

            // b reads through the hub on front 1; a's connections on both fronts get the receipt.
            var read = await bOnFront1.Connection.InvokeAsync<JsonElement>("MarkRead", new { conversationId, upToSeq = 1 }, token);
            Assert.Equal(1, read.GetProperty("lastReadSeq").GetInt64());
            foreach (var connection in new UserEvents[] { aOnFront1, aOnFront2 })
            {
                var receipt = await connection.NextAsync("read_receipt");
                Assert.Equal(b.UserId, receipt.GetProperty("readerId").GetString());
                Assert.Equal(1, receipt.GetProperty("lastReadSeq").GetInt64());
            }

            // Typing from a's hub on front 2 reaches b on both fronts.
            await aOnFront2.Connection.InvokeAsync("Typing", conversationId, token);
            foreach (var connection in new UserEvents[] { bOnFront1, bOnFront2 })
            {
                var typing = await connection.NextAsync("typing");
                Assert.Equal(a.UserId, typing.GetProperty("userId").GetString());
                Assert.Equal(conversationId, typing.GetProperty("conversationId").GetString());
            }

            // Everything acknowledged is readable from either front.
            var history = await SocialApi.HistoryAsync(bRest, conversationId, afterSeq: 0, token);
            Assert.Equal(["hello across fronts", "hi back"], history.Select(m => m.Content));
        }

        Assert.All(pids, pid => Assert.False(RunLocalScript.IsRunning(pid), $"pid {pid} still runs after run-local.sh stop"));
    }
}
