using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// The contract's Real time section across two fronts and two silos as <c>deploy/run-local.sh</c>
/// starts them: each user has connections on both fronts (SignalR and the raw WebSocket), and
/// every event reaches every connection whichever front the action came through.
/// </summary>
public sealed class DeployScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

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
                // Unauthenticated on purpose: raw HTTP, since the client always sends its token.
                using var anonymous = new HttpClient { BaseAddress = front };
                using var negotiate = await anonymous.PostAsync("/hubs/messages/negotiate?negotiateVersion=1", null, token);
                Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
                var (refused, answer) = await RawSocket.OpenAsync(front, "not-a-token", token);
                refused.Dispose();
                Assert.Equal("auth_failed", answer.GetProperty("code").GetString());
            }

            using var a = await Fronts.SignUpAsync(cluster.Front1, "deploy_a", token);
            using var b = await Fronts.SignUpAsync(cluster.Front2, "deploy_b", token);

            // Every user on both fronts; b also over the seed's raw WebSocket.
            await using var aHub1 = await EventRecorder.ConnectAsync(cluster.Front1, a.AccessToken, cancellationToken: token);
            await using var aHub2 = await EventRecorder.ConnectAsync(cluster.Front2, a.AccessToken, cancellationToken: token);
            await using var bHub1 = await EventRecorder.ConnectAsync(cluster.Front1, b.AccessToken, cancellationToken: token);
            var (bSocket, bAuth) = await RawSocket.OpenAsync(cluster.Front2, b.AccessToken, token);
            using var bSocketDisposal = bSocket;
            Assert.Equal(b.UserId, bAuth.GetProperty("userId").GetString());
            var aOnFront1 = Device.Of(aHub1);
            var aOnFront2 = Device.Of(aHub2);
            var bOnFront1 = Device.Of(bHub1);
            var bOnFront2 = Device.Of(bSocket);

            await a.Client.Friends.RequestAsync(b.UserId, token);

            foreach (var connection in new[] { bOnFront1, bOnFront2 })
            {
                var friendRequest = await connection.NextAsync("friend_request");
                Assert.Equal(a.UserId, friendRequest.GetProperty("fromUserId").GetString());
                Assert.Equal(a.Username, friendRequest.GetProperty("username").GetString());
            }

            await b.Client.Friends.AcceptAsync(a.UserId, token);

            foreach (var connection in new[] { aOnFront1, aOnFront2 })
            {
                Assert.Equal(b.UserId, (await connection.NextAsync("friend_accepted")).GetProperty("userId").GetString());
            }

            // a sends through the hub on front 1: b hears it on both fronts, a's other device too.
            var sent = await aHub1.Connection.InvokeAsync<Message>("SendMessage", new SendMessageRequest(b.UserId, "hello across fronts", "deploy-1"), token);
            var conversationId = sent.ConversationId;
            Assert.Equal(1, sent.Seq);
            foreach (var connection in new[] { bOnFront1, bOnFront2, aOnFront2 })
            {
                var pushed = await connection.NextAsync("new_message");
                Assert.Equal(sent.MessageId, pushed.GetProperty("messageId").GetString());
                Assert.Equal("hello across fronts", pushed.GetProperty("content").GetString());
            }

            // b answers over REST on front 2.
            Assert.Equal(2, (await b.Client.Messages.SendAsync(new SendMessageRequest(a.UserId, "hi back", "deploy-2"), token)).Seq);

            foreach (var connection in new[] { aOnFront1, aOnFront2, bOnFront1, bOnFront2 })
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
            var read = await bHub1.Connection.InvokeAsync<JsonElement>("MarkRead", new { conversationId, upToSeq = 1 }, token);
            Assert.Equal(1, read.GetProperty("lastReadSeq").GetInt64());
            foreach (var connection in new[] { aOnFront1, aOnFront2 })
            {
                var receipt = await connection.NextAsync("read_receipt");
                Assert.Equal(b.UserId, receipt.GetProperty("readerId").GetString());
                Assert.Equal(1, receipt.GetProperty("lastReadSeq").GetInt64());
            }

            // Typing from a's hub on front 2 reaches b on both fronts.
            await aHub2.Connection.InvokeAsync("Typing", conversationId, token);
            foreach (var connection in new[] { bOnFront1, bOnFront2 })
            {
                var typing = await connection.NextAsync("typing");
                Assert.Equal(a.UserId, typing.GetProperty("userId").GetString());
                Assert.Equal(conversationId, typing.GetProperty("conversationId").GetString());
            }

            // Everything acknowledged is readable from either front.
            var history = await b.Client.HistoryAsync(conversationId, afterSeq: 0, token);
            Assert.Equal(["hello across fronts", "hi back"], history.Select(m => m.Content));
        }

        Assert.All(pids, pid => Assert.False(RunLocalScript.IsRunning(pid), $"pid {pid} still runs after run-local.sh stop"));
    }

    /// <summary>One of a user's connections, hub or raw WebSocket: the next event of a name, its payload.</summary>
    private sealed class Device(Func<string, Task<JsonElement>> next)
    {
        public Task<JsonElement> NextAsync(string name) => next(name);

        public static Device Of(EventRecorder hub) => new(async name => (await hub.NextAsync(name, EventTimeout)).Data);

        public static Device Of(RawSocket socket) => new(async name => (await socket.ReceiveAsync(name, EventTimeout)).GetProperty("data"));
    }
}
