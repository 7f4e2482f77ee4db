using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.WebFront.Tests;

/// <summary>A bad input gets the same code over REST and over the hub: both use one set of checks.</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class HubAndRestAgreeTests(KestrelApiFactory server)
{
    [Fact]
    public async Task Refused_sends_and_mark_reads_carry_the_same_code_on_both()
    {
        var alice = await TestUsers.SignUpAsync(server.CreateLoopbackClient());
        var bob = await TestUsers.SignUpAsync(server.CreateLoopbackClient());
        var rest = server.CreateLoopbackClient().As(alice);
        await using var hub = await EventRecorder.ConnectAsync(server.BaseAddress, alice.AccessToken);
        var conversationId = (await (await rest.GetAsync($"/api/messages/conversations/with/{bob.UserId}")).JsonAsync()).GetProperty("conversationId").GetString()!;

        (object Send, string Expected)[] sends =
        [
            (new { recipientId = bob.UserId, content = "hi" }, "not_friends"),
            (new { recipientId = bob.UserId, content = " \u200B " }, "empty_message"),
            (new { recipientId = bob.UserId, content = new string('x', 2001) }, "message_too_long"),
            (new { recipientId = new string('r', 101), content = "hi" }, "validation_failed"),
            (new { recipientId = "", content = "hi" }, "validation_failed"),
            (new { recipientId = bob.UserId, content = "hi", clientMessageId = "\u0001" }, "validation_failed"),
            (new { recipientId = alice.UserId, content = "hi" }, "validation_failed"),
        ];
        foreach (var (send, expected) in sends)
        {
            Assert.Equal(expected, await RestCodeAsync(rest.PostAsJsonAsync("/api/messages/send", send)));
            Assert.Equal(expected, await HubCodeAsync(hub.Connection.InvokeAsync<object>("SendMessage", send)));
        }

        (object MarkRead, string Expected)[] markReads =
        [
            (new { conversationId, upToSeq = -1 }, "validation_failed"),
            (new { conversationId = "dm_not-a-conversation", upToSeq = 1 }, "conversation_not_found"),
            (new { conversationId = (string?)null, upToSeq = (long?)null }, "conversation_not_found"),
            (new { conversationId, upToSeq = 1 }, "conversation_not_found"), // no message yet: not in it
        ];
        foreach (var (markRead, expected) in markReads)
        {
            Assert.Equal(expected, await RestCodeAsync(rest.PostAsJsonAsync("/api/messages/mark-read", markRead)));
            Assert.Equal(expected, await HubCodeAsync(hub.Connection.InvokeAsync<object>("MarkRead", markRead)));
        }
    }

    private static async Task<string?> RestCodeAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.False(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for a refused call");
        return (await response.JsonAsync()).GetProperty("code").GetString();
    }

    /// <summary>The code a HubException's message starts with (after SignalR's own prefix, if any).</summary>
    private static async Task<string> HubCodeAsync(Task call)
    {
        var refused = await Assert.ThrowsAsync<HubException>(() => call);
        const string Marker = "HubException: ";
        var message = refused.Message;
        var start = message.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0 ? at + Marker.Length : 0;
        return message[start..message.IndexOf(':', start)];
    }
}
