using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.Streams;
using Social.Grains.Realtime;
using Social.WebFront.Realtime;

namespace Social.WebFront.Tests;

/// <summary>
/// The real-time guarantee (docs/api.md, "Event positions and resume"): every owed event reaches
/// every open connection once and in order, or the connection is told to resync.
/// </summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class DeliveryGuaranteeTests(KestrelApiFactory server) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cold_start_both_connections_of_the_recipient_get_the_message_on_ten_fresh_servers()
    {
        // The reproduction: on a fresh server, A writes to B while B is offline; B opens two
        // connections, A one, and A writes again at once. Both of B's connections must hear it.
        for (var run = 0; run < 10; run++)
        {
            await using var fresh = new KestrelApiFactory();
            var (a, b) = await FriendsAsync(fresh);
            await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "while you were out" });

            await using var bFirst = await EventRecorder.ConnectAsync(fresh.BaseAddress, b.User.AccessToken);
            await using var bSecond = await EventRecorder.ConnectAsync(fresh.BaseAddress, b.User.AccessToken);
            await using var aHub = await EventRecorder.ConnectAsync(fresh.BaseAddress, a.User.AccessToken);
            var sent = await (await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = $"right away {run}" })).JsonAsync();

            foreach (var connection in new[] { bFirst, bSecond })
            {
                var heard = await NextMessageAsync(connection, sent.GetProperty("messageId").GetString()!, TimeSpan.FromSeconds(8));
                Assert.Equal($"right away {run}", heard.Data.GetProperty("content").GetString());
            }
        }
    }

    [Fact]
    public async Task Sequenced_connection_gets_a_session_then_gap_free_positions()
    {
        var (a, b) = await FriendsAsync(server);
        var bHub = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken, sequenced: true));
        var session = await bHub.NextAsync("session");

        for (var i = 1; i <= 5; i++)
        {
            await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = $"m{i}" });
        }

        var heard = new List<HeardEvent>();
        for (var i = 0; i < 5; i++)
        {
            heard.Add(await bHub.NextAsync("new_message"));
        }

        Assert.All(heard, e => Assert.Equal(session.Epoch, e.Epoch));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => session.Seq!.Value + i), heard.Select(e => e.Seq!.Value));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"m{i}"), heard.Select(e => e.Data.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task A_client_that_reconnects_resumes_exactly_what_it_missed()
    {
        var (a, b) = await FriendsAsync(server);
        var first = await EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken, sequenced: true);
        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "seen" });
        var last = await first.NextAsync("new_message");

        // B has another tab open, so B's grain and the front's subscription stay; B's first tab drops.
        var otherTab = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken));
        await first.DisposeAsync();
        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "missed 1" });
        await a.Client.PostAsync($"/api/friends/request/{(await SignUpAsync(server)).User.UserId}", null);
        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "missed 2" });
        await otherTab.NextAsync("new_message");
        await otherTab.NextAsync("new_message");

        var again = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken, sequenced: true));
        var session = await again.NextAsync("session");
        var resumed = await again.Connection.InvokeAsync<JsonElement>("Resume", new { epoch = last.Epoch, seq = last.Seq });

        Assert.True(resumed.GetProperty("complete").GetBoolean());
        var events = resumed.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["missed 1", "missed 2"], events.Select(e => e.GetProperty("data").GetProperty("content").GetString()));
        Assert.All(events, e => Assert.Equal("new_message", e.GetProperty("type").GetString()));
        Assert.Equal([last.Seq!.Value + 1, last.Seq.Value + 2], events.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(session.Seq!.Value, events[^1].GetProperty("seq").GetInt64());

        var unknown = await again.Connection.InvokeAsync<JsonElement>("Resume", new { epoch = last.Epoch + 1, seq = 3 });
        Assert.False(unknown.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Raw_websocket_frames_carry_positions_and_resume_in_the_auth_frame()
    {
        var (a, b) = await FriendsAsync(server);
        var keepAlive = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken));
        Position last;
        using (var socket = await OpenSocketAsync(b.User.AccessToken))
        {
            await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "first" });
            var frame = await socket.ReceiveAsync("new_message");
            last = new Position(frame.GetProperty("epoch").GetInt64(), frame.GetProperty("seq").GetInt64());
        }

        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "while away" });
        await keepAlive.NextAsync("new_message");
        await keepAlive.NextAsync("new_message");

        using var resumed = await RawSocket.ConnectAsync(server.BaseAddress);
        var ok = await resumed.AuthenticateAsync(b.User.AccessToken, (last.Epoch, last.Seq));
        Assert.Equal("auth_ok", ok.GetProperty("type").GetString());
        Assert.True(ok.GetProperty("resumed").GetBoolean());
        var replayed = await resumed.ReceiveAsync("new_message");
        Assert.Equal("while away", replayed.GetProperty("data").GetProperty("content").GetString());
        Assert.Equal(last.Seq + 1, replayed.GetProperty("seq").GetInt64());
        Assert.Equal(ok.GetProperty("seq").GetInt64(), replayed.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Events_lost_between_grain_and_front_are_repaired_from_the_user_grain()
    {
        var (a, b) = await FriendsAsync(server);
        var bHub = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken, sequenced: true));
        var session = await bHub.NextAsync("session");

        // Take the front's subscription away behind its back, so the next events are really lost
        // on the way (as when a silo holding the stream's queue dies), then let the front check.
        var cluster = server.Services.GetRequiredService<IClusterClient>();
        var stream = cluster.GetStreamProvider(UserStreams.Provider).GetStream<StreamedUserEvent>(UserStreams.For(b.User.UserId));
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }

        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "lost 1" });
        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "lost 2" });
        Assert.DoesNotContain(bHub.All, e => e.Name == "new_message");

        await server.Services.GetRequiredService<UserStreamSubscriptions>().ResubscribeAllAsync();

        var first = await bHub.NextAsync("new_message");
        var second = await bHub.NextAsync("new_message");
        Assert.Equal(["lost 1", "lost 2"], new[] { first, second }.Select(e => e.Data.GetProperty("content").GetString()));
        Assert.Equal([session.Seq!.Value + 1, session.Seq.Value + 2], new[] { first.Seq!.Value, second.Seq!.Value });

        // And the stream works again afterwards, without repeats.
        await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = "live again" });
        var third = await bHub.NextAsync("new_message");
        Assert.Equal(("live again", session.Seq.Value + 3), (third.Data.GetProperty("content").GetString(), third.Seq!.Value));
    }

    [Fact]
    public async Task Cancel_reject_unfriend_and_block_reach_the_other_users_open_connections()
    {
        var a = await SignUpAsync(server);
        var b = await SignUpAsync(server);
        var aHub = await Track(EventRecorder.ConnectAsync(server.BaseAddress, a.User.AccessToken));
        var aOtherTab = await Track(EventRecorder.ConnectAsync(server.BaseAddress, a.User.AccessToken));
        var bHub = await Track(EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken));

        await a.Client.PostAsync($"/api/friends/request/{b.User.UserId}", null);
        await bHub.NextAsync("friend_request");
        await a.Client.PostAsync($"/api/friends/cancel/{b.User.UserId}", null);
        Assert.Equal(a.User.UserId, (await bHub.NextAsync("friend_request_cancelled")).Data.GetProperty("userId").GetString());
        Assert.Equal(b.User.UserId, (await aOtherTab.NextAsync("friend_request_cancelled")).Data.GetProperty("userId").GetString());

        await a.Client.PostAsync($"/api/friends/request/{b.User.UserId}", null);
        await bHub.NextAsync("friend_request");
        await b.Client.PostAsync($"/api/friends/reject/{a.User.UserId}", null);
        Assert.Equal(b.User.UserId, (await aHub.NextAsync("friend_request_rejected")).Data.GetProperty("userId").GetString());

        await a.Client.PostAsync($"/api/friends/request/{b.User.UserId}", null);
        await b.Client.PostAsync($"/api/friends/accept/{a.User.UserId}", null);
        await aHub.NextAsync("friend_accepted");
        await b.Client.DeleteAsync($"/api/friends/{a.User.UserId}");
        Assert.Equal(b.User.UserId, (await aHub.NextAsync("friend_removed")).Data.GetProperty("userId").GetString());

        // A block reads, to the blocked user, exactly as an unfriend does.
        await a.Client.PostAsync($"/api/friends/request/{b.User.UserId}", null);
        await b.Client.PostAsync($"/api/friends/accept/{a.User.UserId}", null);
        await bHub.NextAsync("friend_accepted");
        await a.Client.PostAsync($"/api/friends/block/{b.User.UserId}", null);
        Assert.Equal(a.User.UserId, (await bHub.NextAsync("friend_removed")).Data.GetProperty("userId").GetString());
        Assert.Equal(b.User.UserId, (await aOtherTab.NextAsync("user_blocked")).Data.GetProperty("userId").GetString());
        await a.Client.PostAsync($"/api/friends/unblock/{b.User.UserId}", null);
        Assert.Equal(b.User.UserId, (await aOtherTab.NextAsync("user_unblocked")).Data.GetProperty("userId").GetString());

        // Everything B heard came before the unblock was announced to A: nothing about blocks.
        Assert.DoesNotContain(bHub.All, e => e.Name is "user_blocked" or "user_unblocked");
    }

    [Fact]
    public async Task Connections_end_when_their_token_expires()
    {
        var b = await SignUpAsync(server);
        var shortLived = ShortLivedToken(b.User.UserId, b.User.Username, TimeSpan.FromSeconds(3));

        var hub = await Track(EventRecorder.ConnectAsync(server.BaseAddress, shortLived));
        var closed = new TaskCompletionSource();
        hub.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        using var socket = await OpenSocketAsync(shortLived);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var error = await socket.ReceiveAsync("error", TimeSpan.FromSeconds(60));
        Assert.Equal("unauthorized", error.GetProperty("data").GetProperty("code").GetString());
        await socket.ReceiveCloseAsync();
    }

    [Fact]
    public async Task Raw_websocket_that_never_authenticates_gets_auth_failed_before_the_close()
    {
        using var socket = await RawSocket.ConnectAsync(server.BaseAddress);

        var error = await socket.ReceiveAsync("error", TimeSpan.FromSeconds(30));
        Assert.Equal("auth_failed", error.GetProperty("code").GetString());
    }

    private sealed record Position(long Epoch, long Seq);

    private async Task<EventRecorder> Track(Task<EventRecorder> connecting)
    {
        var recorder = await connecting;
        _disposables.Add(recorder);
        return recorder;
    }

    private static async Task<HeardEvent> NextMessageAsync(EventRecorder recorder, string messageId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var heard = await recorder.NextAsync("new_message", timeout);
            if (heard.Data.GetProperty("messageId").GetString() == messageId)
            {
                return heard;
            }

            cancel.Token.ThrowIfCancellationRequested();
        }
    }

    private static Task<(HttpClient Client, TestUser User)> SignUpAsync(KestrelApiFactory target) => RawHttp.SignUpAsync(target.CreateLoopbackClient());

    private static Task<((HttpClient Client, TestUser User) A, (HttpClient Client, TestUser User) B)> FriendsAsync(KestrelApiFactory target) => RawHttp.FriendsAsync(target.CreateLoopbackClient);

    private string ShortLivedToken(string userId, string username, TimeSpan lifetime)
    {
        var key = server.Services.GetRequiredService<SymmetricSecurityKey>();
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "social",
            Audience = "social",
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId), new Claim(JwtRegisteredClaimNames.UniqueName, username)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<RawSocket> OpenSocketAsync(string token)
    {
        var socket = await RawSocket.ConnectAsync(server.BaseAddress);
        Assert.Equal("auth_ok", (await socket.AuthenticateAsync(token)).GetProperty("type").GetString());
        return socket;
    }
}
