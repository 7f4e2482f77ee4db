using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.WebFront.Tests;

/// <summary>After a block, the blocked user's typing and read receipts do not reach the blocker.</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class BlockedSignalsTests(KestrelApiFactory server)
{
    [Fact]
    public async Task A_blocked_user_typing_and_marking_read_reaches_nobody()
    {
        var (blocked, blockedClient) = await SignUpAsync();
        var (blocker, blockerClient) = await SignUpAsync();
        var (friend, friendClient) = await SignUpAsync();
        await TestUsers.BefriendAsync(blocked, blocker);
        await TestUsers.BefriendAsync(friend, blocker);
        var sent = await (await blockerClient.PostAsJsonAsync("/api/messages/send", new { recipientId = blocked.UserId, content = "hello" })).JsonAsync();
        var conversationId = sent.GetProperty("conversationId").GetString()!;
        var toFriend = await (await blockerClient.PostAsJsonAsync("/api/messages/send", new { recipientId = friend.UserId, content = "hi" })).JsonAsync();
        await using var blockerHub = await EventRecorder.ConnectAsync(server.BaseAddress, blocker.AccessToken);
        await using var blockedHub = await EventRecorder.ConnectAsync(server.BaseAddress, blocked.AccessToken);
        await using var friendHub = await EventRecorder.ConnectAsync(server.BaseAddress, friend.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await blockerClient.PostAsync($"/api/friends/block/{blocked.UserId}", null)).StatusCode);

        await blockedHub.Connection.InvokeAsync("Typing", conversationId);
        await blockedHub.Connection.InvokeAsync("MarkRead", new { conversationId, upToSeq = 1 });

        // The same kinds of signal from a friend arrive, on the same paths, after the blocked user's would have.
        await friendHub.Connection.InvokeAsync("Typing", toFriend.GetProperty("conversationId").GetString());
        await friendHub.Connection.InvokeAsync("MarkRead", new { conversationId = toFriend.GetProperty("conversationId").GetString(), upToSeq = 1 });
        await blockerHub.NextAsync("typing");
        await blockerHub.NextAsync("read_receipt");
        Assert.DoesNotContain(blockerHub.All, heard => heard.Name == "typing" && heard.Data.GetProperty("userId").GetString() == blocked.UserId);
        Assert.DoesNotContain(blockerHub.All, heard => heard.Name == "read_receipt" && heard.Data.GetProperty("readerId").GetString() == blocked.UserId);
    }

    private async Task<(TestUser User, HttpClient Client)> SignUpAsync()
    {
        var (client, user) = await RawHttp.SignUpAsync(server.CreateLoopbackClient());
        return (user, client);
    }
}
