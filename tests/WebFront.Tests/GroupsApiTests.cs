using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.WebFront.Tests;

/// <summary>Groups through REST and the hub, with every member's events heard on real SignalR connections.</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class GroupsApiTests(KestrelApiFactory server) : IAsyncLifetime
{
    private readonly List<EventRecorder> _recorders = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var recorder in _recorders)
        {
            await recorder.DisposeAsync();
        }
    }

    private sealed record Member(HttpClient Client, TestUser User)
    {
        public string Id => User.UserId;
    }

    private async Task<Member> SignUpAsync()
    {
        var (client, user) = await RawHttp.SignUpAsync(server.CreateLoopbackClient());
        return new Member(client, user);
    }

    private static Task<string> BefriendAsync(Member a, Member b) => TestUsers.BefriendAsync(a.User, b.User);

    /// <summary>An owner and <paramref name="count"/> of the owner's friends.</summary>
    private async Task<(Member Owner, Member[] Friends)> CircleAsync(int count)
    {
        var owner = await SignUpAsync();
        var friends = new Member[count];
        for (var i = 0; i < count; i++)
        {
            friends[i] = await SignUpAsync();
            await BefriendAsync(owner, friends[i]);
        }

        return (owner, friends);
    }

    private static async Task<JsonElement> CreateGroupAsync(Member owner, string name, params Member[] members)
    {
        var response = await owner.Client.PostAsJsonAsync("/api/groups", new { name, memberIds = members.Select(m => m.Id) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<EventRecorder> ListenAsync(Member member)
    {
        var recorder = await EventRecorder.ConnectAsync(server.BaseAddress, member.User.AccessToken);
        _recorders.Add(recorder);
        return recorder;
    }

    private static async Task<JsonElement> SendAsync(Member sender, string groupId, string content, string? clientMessageId = null)
    {
        var response = await sender.Client.PostAsJsonAsync($"/api/groups/{groupId}/messages", new { content, clientMessageId });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>The next <c>new_message</c> of <paramref name="conversationId"/> that satisfies <paramref name="match"/>.</summary>
    private static async Task<JsonElement> HeardAsync(EventRecorder recorder, string conversationId, Func<JsonElement, bool> match)
    {
        while (true)
        {
            var heard = await recorder.NextAsync("new_message");
            if (heard.Data.GetProperty("conversationId").GetString() == conversationId && match(heard.Data))
            {
                return heard.Data;
            }
        }
    }

    private static async Task<JsonElement> ReadEventuallyAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done)
    {
        var value = await read();
        await Eventually.WaitUntilAsync(async () => done(value = await read()), "the read matches", TimeSpan.FromSeconds(10));
        return value;
    }

    [Fact]
    public async Task A_group_is_created_from_friends_and_listed_beside_direct_conversations()
    {
        var (owner, friends) = await CircleAsync(2);
        await owner.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = friends[0].Id, content = "direct" });

        var group = await CreateGroupAsync(owner, "Climbing", friends);
        var id = group.GetProperty("conversationId").GetString()!;
        Assert.Equal("Climbing", group.GetProperty("name").GetString());
        Assert.Equal(owner.Id, group.GetProperty("ownerId").GetString());
        Assert.Equal(["owner", "member", "member"], group.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(friends[0].User.Username, group.GetProperty("members")[1].GetProperty("username").GetString());
        await SendAsync(owner, id, "hello group");

        var list = await ReadEventuallyAsync(
            async () => await (await friends[0].Client.GetAsync("/api/messages/conversations")).JsonAsync(),
            body => body.GetProperty("items").GetArrayLength() == 2 && body.GetProperty("items")[0].GetProperty("unreadCount").GetInt32() == 1);
        var (groupItem, directItem) = (list.GetProperty("items")[0], list.GetProperty("items")[1]);
        Assert.Equal("group", groupItem.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, groupItem.GetProperty("peer").ValueKind);
        Assert.Equal("Climbing", groupItem.GetProperty("group").GetProperty("name").GetString());
        Assert.Equal(3, groupItem.GetProperty("group").GetProperty("memberCount").GetInt32());
        Assert.Equal("hello group", groupItem.GetProperty("lastMessage").GetProperty("content").GetString());
        Assert.Equal("direct", directItem.GetProperty("kind").GetString());
        Assert.Equal(owner.Id, directItem.GetProperty("peer").GetProperty("userId").GetString());
        Assert.False(directItem.TryGetProperty("group", out _));

        // Paged one at a time, the merged list keeps its order; search finds the group by name.
        var first = await (await friends[0].Client.GetAsync("/api/messages/conversations?limit=1")).JsonAsync();
        Assert.Equal(id, first.GetProperty("items")[0].GetProperty("conversationId").GetString());
        var second = await (await friends[0].Client.GetAsync($"/api/messages/conversations?limit=1&cursor={first.GetProperty("nextCursor").GetString()}")).JsonAsync();
        Assert.Equal("direct", second.GetProperty("items")[0].GetProperty("kind").GetString());
        var found = await (await friends[0].Client.GetAsync("/api/messages/conversations?search=climb")).JsonAsync();
        Assert.Equal(id, Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("conversationId").GetString());

        var unread = await (await friends[0].Client.GetAsync("/api/messages/unread")).JsonAsync();
        Assert.Equal(2, unread.GetProperty("totalUnread").GetInt32());
        Assert.Equal(2, unread.GetProperty("conversations").GetInt32());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_group_routes()
    {
        var document = await (await server.CreateLoopbackClient().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/groups", "/api/groups/{conversationId}", "/api/groups/{conversationId}/members", "/api/groups/{conversationId}/members/{userId}",
            "/api/groups/{conversationId}/members/{userId}/role", "/api/groups/{conversationId}/owner", "/api/groups/{conversationId}/leave",
            "/api/groups/{conversationId}/messages", "/api/groups/{conversationId}/mark-read", "/api/groups/{conversationId}/hide", "/api/groups/{conversationId}/typing" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task Refusals_are_problems_with_codes()
    {
        var (owner, friends) = await CircleAsync(2);
        var stranger = await SignUpAsync();
        var id = (await CreateGroupAsync(owner, "Rules", friends[0])).GetProperty("conversationId").GetString()!;

        await (await owner.Client.PostAsJsonAsync("/api/groups", new { name = " ", memberIds = Array.Empty<string>() })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await owner.Client.PostAsJsonAsync("/api/groups", new { name = "x", memberIds = new[] { stranger.Id } })).AssertProblemAsync(HttpStatusCode.Forbidden, "not_friends");
        await (await owner.Client.PostAsJsonAsync("/api/groups", new { name = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await stranger.Client.GetAsync($"/api/groups/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "group_not_found");
        await (await stranger.Client.GetAsync($"/api/groups/{id}/messages")).AssertProblemAsync(HttpStatusCode.NotFound, "group_not_found");
        await (await stranger.Client.GetAsync("/api/groups/gr_nothing")).AssertProblemAsync(HttpStatusCode.NotFound, "group_not_found");
        await (await stranger.Client.PostAsJsonAsync($"/api/groups/{id}/messages", new { content = "hi" })).AssertProblemAsync(HttpStatusCode.NotFound, "group_not_found");
        await (await friends[0].Client.PostAsJsonAsync($"/api/groups/{id}/members", new { userId = friends[1].Id })).AssertProblemAsync(HttpStatusCode.Forbidden, "not_group_admin");
        await (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/members", new { userId = stranger.Id })).AssertProblemAsync(HttpStatusCode.Forbidden, "not_friends");
        await (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/members", new { userId = friends[0].Id })).AssertProblemAsync(HttpStatusCode.Conflict, "already_member");
        await (await owner.Client.PutAsJsonAsync($"/api/groups/{id}/members/{friends[0].Id}/role", new { role = "owner" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await owner.Client.DeleteAsync($"/api/groups/{id}/members/{friends[1].Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_member");
        await (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/messages", new { content = new string('x', 2001) })).AssertProblemAsync(HttpStatusCode.BadRequest, "message_too_long");
        await (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/messages", new { content = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "empty_message");
        await (await owner.Client.PatchAsJsonAsync($"/api/groups/{id}", new { name = new string('n', 101) })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/owner", new { userId = owner.Id })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_group_target");
    }

    [Fact]
    public async Task Every_members_connections_hear_messages_and_membership_changes_and_a_removed_member_hears_nothing_after()
    {
        var (owner, friends) = await CircleAsync(3);
        var (stays, removed, joins) = (friends[0], friends[1], friends[2]);
        var ownerTabs = new[] { await ListenAsync(owner), await ListenAsync(owner) };
        var staysEvents = await ListenAsync(stays);
        var removedEvents = await ListenAsync(removed);
        var joinsEvents = await ListenAsync(joins);
        var id = (await CreateGroupAsync(owner, "Live", stays, removed)).GetProperty("conversationId").GetString()!;

        var created = await HeardAsync(removedEvents, id, m => m.TryGetProperty("system", out _));
        Assert.Equal("created", created.GetProperty("system").GetProperty("type").GetString());

        var first = await SendAsync(stays, id, "first");
        foreach (var tab in ownerTabs)
        {
            Assert.Equal("first", (await HeardAsync(tab, id, m => m.GetProperty("seq").GetInt64() == first.GetProperty("seq").GetInt64())).GetProperty("content").GetString());
        }

        // Add and remove: system messages in the group's seq, to everyone they concern.
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PostAsJsonAsync($"/api/groups/{id}/members", new { userId = joins.Id })).StatusCode);
        var added = await HeardAsync(joinsEvents, id, m => m.TryGetProperty("system", out _));
        Assert.Equal("member_added", added.GetProperty("system").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/groups/{id}/members/{removed.Id}")).StatusCode);
        var removal = await HeardAsync(removedEvents, id, m => m.TryGetProperty("system", out var s) && s.GetProperty("type").GetString() == "member_removed");
        Assert.Equal(removed.Id, removal.GetProperty("system").GetProperty("userIds")[0].GetString());

        var after = await SendAsync(owner, id, "after the removal");
        await HeardAsync(staysEvents, id, m => m.GetProperty("seq").GetInt64() == after.GetProperty("seq").GetInt64());
        await HeardAsync(joinsEvents, id, m => m.GetProperty("seq").GetInt64() == after.GetProperty("seq").GetInt64());

        // Once a later direct message reaches the removed member, the group message would have too.
        await owner.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = removed.Id, content = "still friends" });
        await HeardAsync(removedEvents, (await (await removed.Client.GetAsync($"/api/messages/conversations/with/{owner.Id}")).JsonAsync()).GetProperty("conversationId").GetString()!, _ => true);
        Assert.DoesNotContain(removedEvents.All, e => e.Name == "new_message" && e.Data.GetProperty("seq").GetInt64() > removal.GetProperty("seq").GetInt64() && e.Data.GetProperty("conversationId").GetString() == id);

        // History: the new member from the join on; the removed member up to the removal.
        var joinsHistory = await (await joins.Client.GetAsync($"/api/groups/{id}/messages")).JsonAsync();
        Assert.Equal(added.GetProperty("seq").GetInt64(), joinsHistory.GetProperty("items")[0].GetProperty("seq").GetInt64());
        var removedHistory = await (await removed.Client.GetAsync($"/api/groups/{id}/messages")).JsonAsync();
        Assert.Equal(removal.GetProperty("seq").GetInt64(), removedHistory.GetProperty("items").EnumerateArray().Last().GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Reads_are_gathered_into_group_read_and_typing_reaches_the_other_members()
    {
        var (owner, friends) = await CircleAsync(2);
        var ownerEvents = await ListenAsync(owner);
        var readerTabs = new[] { await ListenAsync(friends[0]), await ListenAsync(friends[0]) };
        var otherEvents = await ListenAsync(friends[1]);
        var id = (await CreateGroupAsync(owner, "Seen", friends)).GetProperty("conversationId").GetString()!;
        var message = await SendAsync(owner, id, "did you see it?");
        var seq = message.GetProperty("seq").GetInt64();

        var read = await readerTabs[0].Connection.InvokeAsync<JsonElement>("MarkGroupRead", new { conversationId = id, upToSeq = seq });
        Assert.Equal(seq, read.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(0, read.GetProperty("unreadCount").GetInt32());

        // The reader's other tab hears its own receipt; the others hear the gathered cursors.
        var own = await readerTabs[1].NextAsync("read_receipt");
        Assert.Equal(id, own.Data.GetProperty("conversationId").GetString());
        var seen = await ownerEvents.NextAsync("group_read");
        var reader = Assert.Single(seen.Data.GetProperty("readers").EnumerateArray());
        Assert.Equal(friends[0].Id, reader.GetProperty("userId").GetString());
        Assert.Equal(seq, reader.GetProperty("lastReadSeq").GetInt64());

        var history = await (await owner.Client.GetAsync($"/api/groups/{id}/messages")).JsonAsync();
        Assert.Equal(1, history.GetProperty("readBy").EnumerateArray().Count(c => c.GetProperty("userId").GetString() != owner.Id && c.GetProperty("lastReadSeq").GetInt64() >= seq));

        await otherEvents.Connection.InvokeAsync("GroupTyping", id);
        var typing = await ownerEvents.NextAsync("typing");
        Assert.Equal(id, typing.Data.GetProperty("conversationId").GetString());
        Assert.Equal(friends[1].Id, typing.Data.GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.PostAsync($"/api/groups/{id}/typing", null)).StatusCode);
    }

    [Fact]
    public async Task Hub_sends_are_idempotent_and_refused_with_codes()
    {
        var (owner, friends) = await CircleAsync(1);
        var outsider = await SignUpAsync();
        var ownerHub = await ListenAsync(owner);
        var outsiderHub = await ListenAsync(outsider);
        var id = (await CreateGroupAsync(owner, "Hub", friends)).GetProperty("conversationId").GetString()!;

        var sends = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            ownerHub.Connection.InvokeAsync<JsonElement>("SendGroupMessage", new { conversationId = id, content = "once", clientMessageId = "hub-1" })));
        Assert.Single(sends.Select(s => s.GetProperty("messageId").GetString()).Distinct());

        var refused = await Assert.ThrowsAsync<HubException>(() =>
            outsiderHub.Connection.InvokeAsync<JsonElement>("SendGroupMessage", new { conversationId = id, content = "let me in" }));
        Assert.Contains("HubException: group_not_found:", refused.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<HubException>(() =>
            ownerHub.Connection.InvokeAsync<JsonElement>("SendGroupMessage", new { conversationId = id, content = " " }));
        Assert.Contains("HubException: empty_message:", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_sends_from_every_member_get_gap_free_seqs_and_reach_every_member()
    {
        var (owner, friends) = await CircleAsync(3);
        var members = new[] { owner }.Concat(friends).ToArray();
        var listeners = new List<EventRecorder>();
        foreach (var member in members)
        {
            listeners.Add(await ListenAsync(member));
        }

        var id = (await CreateGroupAsync(owner, "Busy", friends)).GetProperty("conversationId").GetString()!;
        var sent = await Task.WhenAll(members.SelectMany(member => Enumerable.Range(0, 8).Select(i => SendAsync(member, id, $"{member.Id} {i}", $"p-{i}"))));

        var seqs = sent.Select(m => m.GetProperty("seq").GetInt64()).Order().ToList();
        Assert.Equal(Enumerable.Range(2, sent.Length).Select(i => (long)i), seqs);
        foreach (var listener in listeners)
        {
            var heard = new HashSet<long>();
            while (heard.Count < sent.Length)
            {
                var message = await HeardAsync(listener, id, m => !m.TryGetProperty("system", out _));
                heard.Add(message.GetProperty("seq").GetInt64());
            }

            Assert.Equal(seqs, heard.Order());
        }
    }
}
