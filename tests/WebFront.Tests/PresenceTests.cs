using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.WebFront.Tests;

/// <summary>Presence through the real front: the friend list's <c>presence</c>, <c>presence_changed</c> on the hub, the setting.</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class PresenceTests(KestrelApiFactory server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<EventRecorder> _recorders = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var recorder in _recorders)
        {
            await recorder.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_friend_sees_online_away_and_offline_live_and_in_the_friend_list()
    {
        var (a, aClient) = await SignUpAsync();
        var (b, bClient) = await SignUpAsync();
        await TestUsers.BefriendAsync(a, b);
        var bHears = await ConnectAsync(b);
        var before = await PresenceInListAsync(bClient, a);
        Assert.Equal("offline", before.GetProperty("status").GetString());

        var aTab = await ConnectAsync(a);
        Assert.Equal("online", (await NextPresenceOfAsync(bHears, a)).GetProperty("status").GetString());
        Assert.Equal("online", (await PresenceInListAsync(bClient, a)).GetProperty("status").GetString());

        await aTab.Connection.InvokeAsync("SetAway", true);
        Assert.Equal("away", (await NextPresenceOfAsync(bHears, a)).GetProperty("status").GetString());

        await aTab.Connection.StopAsync();
        var offline = await NextPresenceOfAsync(bHears, a);
        Assert.Equal("offline", offline.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, offline.GetProperty("lastSeenAt").ValueKind);
        var listed = await PresenceInListAsync(bClient, a);
        Assert.Equal("offline", listed.GetProperty("status").GetString());
        Assert.Equal(offline.GetProperty("lastSeenAt").GetDateTimeOffset(), listed.GetProperty("lastSeenAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_blocked_user_hears_nothing_of_the_blocker_and_pending_lists_carry_no_presence()
    {
        var (a, aClient) = await SignUpAsync();
        var (blocked, blockedClient) = await SignUpAsync();
        var (witness, witnessClient) = await SignUpAsync();
        var (sentinel, sentinelClient) = await SignUpAsync();
        await TestUsers.BefriendAsync(a, blocked);
        await TestUsers.BefriendAsync(a, witness);
        await TestUsers.BefriendAsync(sentinel, blocked);
        Assert.Equal(HttpStatusCode.NoContent, (await aClient.PostAsync($"/api/friends/block/{blocked.UserId}", null)).StatusCode);
        var blockedHears = await ConnectAsync(blocked);
        var witnessHears = await ConnectAsync(witness);

        await ConnectAsync(a);
        await NextPresenceOfAsync(witnessHears, a);

        // Something the blocked user is owed that travels the same way, after A's announcement.
        await ConnectAsync(sentinel);
        await NextPresenceOfAsync(blockedHears, sentinel);
        Assert.DoesNotContain(blockedHears.All, e => e.Name == "presence_changed" && e.Data.GetProperty("userId").GetString() == a.UserId);

        var blockedList = await (await aClient.GetAsync("/api/friends/list?status=blocked")).JsonAsync();
        Assert.False(Assert.Single(blockedList.GetProperty("items").EnumerateArray()).TryGetProperty("presence", out _));
    }

    [Fact]
    public async Task A_user_who_hides_presence_shows_unknown_and_sees_nobodys()
    {
        var (a, aClient) = await SignUpAsync();
        var (b, bClient) = await SignUpAsync();
        await TestUsers.BefriendAsync(a, b);
        var bHears = await ConnectAsync(b);
        await ConnectAsync(a);
        await NextPresenceOfAsync(bHears, a);

        var hidden = await aClient.PutAsJsonAsync("/api/presence/me", new { hidden = true });
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        var own = await hidden.JsonAsync();
        Assert.True(own.GetProperty("hidden").GetBoolean());
        Assert.Equal("online", own.GetProperty("status").GetString());

        Assert.Equal("unknown", (await NextPresenceOfAsync(bHears, a)).GetProperty("status").GetString());
        var seenByB = await PresenceInListAsync(bClient, a);
        Assert.Equal("unknown", seenByB.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seenByB.GetProperty("lastSeenAt").ValueKind);
        Assert.Equal("unknown", (await PresenceInListAsync(aClient, b)).GetProperty("status").GetString());

        await aClient.PutAsJsonAsync("/api/presence/me", new { hidden = false });
        Assert.Equal("online", (await NextPresenceOfAsync(bHears, a)).GetProperty("status").GetString());
        Assert.Equal("online", (await PresenceInListAsync(aClient, b)).GetProperty("status").GetString());
        Assert.False((await (await aClient.GetAsync("/api/presence/me")).JsonAsync()).GetProperty("hidden").GetBoolean());
    }

    [Fact]
    public async Task The_setting_needs_a_boolean()
    {
        var (_, client) = await SignUpAsync();

        await (await client.PutAsJsonAsync("/api/presence/me", new { hidden = (bool?)null })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.PutAsync("/api/presence/me", new StringContent("{\"hidden\":\"yes\"}", System.Text.Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    private async Task<(TestUser User, HttpClient Client)> SignUpAsync()
    {
        var (client, user) = await RawHttp.SignUpAsync(server.CreateLoopbackClient());
        return (user, client);
    }

    private async Task<EventRecorder> ConnectAsync(TestUser user)
    {
        var recorder = await EventRecorder.ConnectAsync(server.BaseAddress, user.AccessToken);
        _recorders.Add(recorder);
        return recorder;
    }

    private static async Task<JsonElement> NextPresenceOfAsync(EventRecorder recorder, TestUser of)
    {
        while (true)
        {
            var heard = await recorder.NextAsync("presence_changed", Timeout);
            if (heard.Data.GetProperty("userId").GetString() == of.UserId)
            {
                return heard.Data;
            }
        }
    }

    private static async Task<JsonElement> PresenceInListAsync(HttpClient viewer, TestUser friend)
    {
        var list = await (await viewer.GetAsync("/api/friends/list")).JsonAsync();
        return list.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("userId").GetString() == friend.UserId).GetProperty("presence");
    }
}
