using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Social.Client;
using Social.WebFront.Realtime;

namespace Social.WebFront.Tests;

[Collection(KestrelServerDefinition.Name)]
public sealed class RealtimeTests(KestrelApiFactory server) : IAsyncLifetime
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);
    private readonly List<IAsyncDisposable> _connections = [];
    private readonly List<SocialClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private Task<(HttpClient Client, TestUser User)> SignUpAsync() => RawHttp.SignUpAsync(server.CreateLoopbackClient());

    private Task<((HttpClient Client, TestUser User) A, (HttpClient Client, TestUser User) B)> FriendsAsync() => RawHttp.FriendsAsync(server.CreateLoopbackClient);

    /// <summary>A connected hub client (the kit's recorder) that records every event it hears.</summary>
    private async Task<EventRecorder> ConnectAsync(TestUser user)
    {
        var recorder = await EventRecorder.ConnectAsync(server.BaseAddress, user.AccessToken);
        _connections.Add(recorder);
        return recorder;
    }

    /// <summary>Social.Client's connection over MessagePack; its messages, typed, in arrival order.</summary>
    private async Task<ChannelReader<Message>> ConnectMessagePackAsync(TestUser user)
    {
        var client = server.CreateSocialClient(options => options.Realtime.ConfigureHub = hub => hub.AddMessagePackProtocol());
        _clients.Add(client);
        client.UseAccessToken(user.Auth.ToAccessToken());
        var live = client.Connect();
        _connections.Add(live);
        var messages = Channel.CreateUnbounded<Message>();
        live.MessageReceived += (_, heard) => messages.Writer.TryWrite(heard.Message);
        await live.StartAsync();
        return messages.Reader;
    }

    [Fact]
    public async Task Hub_refuses_a_connection_without_a_valid_token()
    {
        var negotiate = await server.CreateLoopbackClient().PostAsync("/hubs/messages/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => EventRecorder.ConnectAsync(server.BaseAddress, "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Every_connection_of_the_recipient_and_the_senders_other_tab_get_new_message()
    {
        var (a, b) = await FriendsAsync();
        var bTab1 = await ConnectAsync(b.User);
        var bTab2 = await ConnectMessagePackAsync(b.User);
        var aOtherTab = await ConnectAsync(a.User);

        var sent = await a.User.Client.Messages.SendAsync(new SendMessageRequest(b.User.UserId, "live!"));

        foreach (var listener in new[] { bTab1, aOtherTab })
        {
            var received = (await listener.NextAsync("new_message")).Data;
            Assert.Equal(sent.MessageId, received.GetProperty("messageId").GetString());
            Assert.Equal("live!", received.GetProperty("content").GetString());
        }

        using var timeout = new CancellationTokenSource(EventTimeout);
        var overMessagePack = await bTab2.ReadAsync(timeout.Token);
        Assert.Equal((sent.MessageId, "live!"), (overMessagePack.MessageId, overMessagePack.Content));
    }

    [Fact]
    public async Task A_tab_that_closes_leaves_the_users_other_tabs_receiving()
    {
        var (a, b) = await FriendsAsync();
        var closing = await ConnectAsync(b.User);
        var staying = await ConnectAsync(b.User);
        await closing.Connection.StopAsync();

        await a.User.Client.Messages.SendAsync(new SendMessageRequest(b.User.UserId, "still here?"));

        Assert.Equal("still here?", (await staying.NextAsync("new_message")).Data.GetProperty("content").GetString());
    }

    [Fact]
    public async Task One_hub_connection_sends_to_several_friends_each_in_their_own_conversation()
    {
        var (a, b) = await FriendsAsync();
        var c = await SignUpAsync();
        await TestUsers.BefriendAsync(a.User, c.User);
        var aHub = await ConnectAsync(a.User);
        var bHub = await ConnectAsync(b.User);
        var cHub = await ConnectAsync(c.User);

        var toB = await aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = b.User.UserId, content = "to b" });
        var toC = await aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = c.User.UserId, content = "to c" });
        var toBAgain = await aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = b.User.UserId, content = "to b again" });

        Assert.NotEqual(toB.GetProperty("conversationId").GetString(), toC.GetProperty("conversationId").GetString());
        Assert.Equal(toB.GetProperty("conversationId").GetString(), toBAgain.GetProperty("conversationId").GetString());
        Assert.Equal([1L, 1L, 2L], new[] { toB, toC, toBAgain }.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("to b", (await bHub.NextAsync("new_message")).Data.GetProperty("content").GetString());
        Assert.Equal("to c", (await cHub.NextAsync("new_message")).Data.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Hub_methods_follow_the_same_rules_as_rest()
    {
        var (a, b) = await FriendsAsync();
        var stranger = await SignUpAsync();
        var aHub = await ConnectAsync(a.User);
        var bHub = await ConnectAsync(b.User);

        var message = await aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = b.User.UserId, content = "via hub", clientMessageId = "h1" });
        Assert.Equal(1, message.GetProperty("seq").GetInt64());
        var again = await aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = b.User.UserId, content = "via hub", clientMessageId = "h1" });
        Assert.Equal(message.GetProperty("messageId").GetString(), again.GetProperty("messageId").GetString());
        Assert.Equal("via hub", (await bHub.NextAsync("new_message")).Data.GetProperty("content").GetString());

        var strangerHub = await ConnectAsync(stranger.User);
        var refused = await Assert.ThrowsAsync<HubException>(() => strangerHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = a.User.UserId, content = "hi" }));
        Assert.Equal("not_friends", CodeOf(refused));
        var empty = await Assert.ThrowsAsync<HubException>(() => aHub.Connection.InvokeAsync<JsonElement>("SendMessage", new { recipientId = b.User.UserId, content = " " }));
        Assert.Equal("empty_message", CodeOf(empty));

        var conversationId = message.GetProperty("conversationId").GetString();
        var read = await bHub.Connection.InvokeAsync<JsonElement>("MarkRead", new { conversationId, upToSeq = (long?)null });
        Assert.Equal(1, read.GetProperty("lastReadSeq").GetInt64());
        var receipt = (await aHub.NextAsync("read_receipt")).Data;
        Assert.Equal(b.User.UserId, receipt.GetProperty("readerId").GetString());
        Assert.Equal(1, receipt.GetProperty("lastReadSeq").GetInt64());

        await bHub.Connection.InvokeAsync("Typing", conversationId);
        var typing = (await aHub.NextAsync("typing")).Data;
        Assert.Equal(b.User.UserId, typing.GetProperty("userId").GetString());
        var notMine = await Assert.ThrowsAsync<HubException>(() => strangerHub.Connection.InvokeAsync("Typing", conversationId));
        Assert.Equal("conversation_not_found", CodeOf(notMine));
    }

    [Fact]
    public async Task Hub_calls_without_an_argument_are_refused_with_a_code()
    {
        var a = await SignUpAsync();
        var hub = await ConnectAsync(a.User);

        var send = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<JsonElement>("SendMessage", (object?)null));
        var read = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<JsonElement>("MarkRead", (object?)null));

        Assert.Equal("validation_failed", CodeOf(send));
        Assert.Equal("conversation_not_found", CodeOf(read));
    }

    [Fact]
    public async Task Friend_requests_and_acceptances_are_pushed_with_profiles()
    {
        var a = await SignUpAsync();
        var b = await SignUpAsync();
        var aHub = await ConnectAsync(a.User);
        var bHub = await ConnectAsync(b.User);

        await a.User.Client.Friends.RequestAsync(b.User.UserId);
        var request = (await bHub.NextAsync("friend_request")).Data;
        Assert.Equal(a.User.UserId, request.GetProperty("fromUserId").GetString());
        Assert.Equal(a.User.Username, request.GetProperty("username").GetString());

        await b.User.Client.Friends.AcceptAsync(a.User.UserId);
        var accepted = (await aHub.NextAsync("friend_accepted")).Data;
        Assert.Equal(b.User.UserId, accepted.GetProperty("userId").GetString());
        Assert.Equal(b.User.Username, accepted.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_user_offline_when_the_message_was_sent_finds_it_after_connecting()
    {
        var (a, b) = await FriendsAsync();
        var sent = await a.User.Client.Messages.SendAsync(new SendMessageRequest(b.User.UserId, "while you were out"));

        var bHub = await ConnectAsync(b.User);
        var missed = await b.User.Client.Messages.GetHistoryAsync(sent.ConversationId, afterSeq: 0);
        Assert.Equal("while you were out", Assert.Single(missed.Items).Content);

        await a.User.Client.Messages.SendAsync(new SendMessageRequest(b.User.UserId, "and now live"));

        // The earlier message may also arrive live if its push was still queued when B connected.
        var live = (await bHub.NextAsync("new_message")).Data;
        if (live.GetProperty("content").GetString() == "while you were out")
        {
            live = (await bHub.NextAsync("new_message")).Data;
        }

        Assert.Equal("and now live", live.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Raw_websocket_authenticates_answers_ping_and_pushes_events()
    {
        var (a, b) = await FriendsAsync();
        using var socket = await RawSocket.ConnectAsync(server.BaseAddress);

        var ok = await socket.AuthenticateAsync(b.User.AccessToken, timeout: EventTimeout);
        Assert.Equal("auth_ok", ok.GetProperty("type").GetString());
        Assert.Equal(b.User.UserId, ok.GetProperty("userId").GetString());

        await socket.SendAsync(new { action = "ping" });
        Assert.Equal("pong", (await socket.ReceiveAsync("pong", EventTimeout)).GetProperty("type").GetString());

        await a.User.Client.Messages.SendAsync(new SendMessageRequest(b.User.UserId, "over ws"));
        var pushed = await socket.ReceiveAsync("new_message", EventTimeout);
        Assert.Equal("over ws", pushed.GetProperty("data").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Raw_websocket_with_a_bad_token_gets_auth_failed_and_is_closed()
    {
        using var socket = await RawSocket.ConnectAsync(server.BaseAddress);

        var error = await socket.AuthenticateAsync("forged", timeout: EventTimeout);

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("auth_failed", error.GetProperty("code").GetString());
        await socket.ReceiveCloseAsync(EventTimeout);
    }

    [Fact]
    public async Task Connect_disconnect_cycles_leave_no_subscriptions_behind()
    {
        var users = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            users.Add((await SignUpAsync()).User);
        }

        var subscriptions = server.Services.GetRequiredService<UserStreamSubscriptions>();
        for (var round = 0; round < 20; round++)
        {
            var connections = new List<HubConnection>();
            foreach (var user in users)
            {
                for (var tab = 0; tab < 2; tab++)
                {
                    connections.Add(user.Client.CreateHubConnection());
                }
            }

            await Task.WhenAll(connections.Select(c => c.StartAsync()));
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }

        await Eventually.WaitUntilAsync(() => subscriptions.CountSubscribed(users.Select(u => u.UserId)) == 0, "no subscription is left", EventTimeout);

        Assert.Equal(0, subscriptions.CountSubscribed(users.Select(u => u.UserId)));
    }

    [Fact]
    public async Task Ten_thousand_websocket_connect_disconnect_cycles_leave_no_subscriptions_behind()
    {
        var users = new List<TestUser>();
        for (var i = 0; i < 50; i++)
        {
            users.Add((await SignUpAsync()).User);
        }

        var cycles = 0;
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, cancellationToken) =>
        {
            var user = users[i % users.Count];
            using var socket = await RawSocket.ConnectAsync(server.BaseAddress, cancellationToken);
            Assert.Equal("auth_ok", (await socket.AuthenticateAsync(user.AccessToken, timeout: EventTimeout, cancellationToken: cancellationToken)).GetProperty("type").GetString());
            await socket.CloseAsync(cancellationToken);
            Interlocked.Increment(ref cycles);
        });

        var subscriptions = server.Services.GetRequiredService<UserStreamSubscriptions>();
        await Eventually.WaitUntilAsync(() => subscriptions.CountSubscribed(users.Select(u => u.UserId)) == 0, "no subscription is left", EventTimeout);

        Assert.Equal(10_000, cycles);
        Assert.Equal(0, subscriptions.CountSubscribed(users.Select(u => u.UserId)));
    }

    /// <summary>
    /// SignalR puts "An unexpected error occurred invoking 'X' on the server. HubException: " before
    /// the server's message on the wire; the server's message itself starts with the code.
    /// </summary>
    private static string CodeOf(HubException exception)
    {
        const string marker = "HubException: ";
        var message = exception.Message[(exception.Message.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        return message[..message.IndexOf(':', StringComparison.Ordinal)];
    }
}
