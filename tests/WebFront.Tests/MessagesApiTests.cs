using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class MessagesApiTests(SharedApiFactory factory)
{
    private Task<(HttpClient Client, TestUser User)> SignUpAsync() => RawHttp.SignUpAsync(factory.CreateClient());

    private Task<((HttpClient Client, TestUser User) A, (HttpClient Client, TestUser User) B)> FriendsAsync() => RawHttp.FriendsAsync(factory.CreateClient);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string recipientId, string content, string? clientMessageId = null) =>
        client.PostAsJsonAsync("/api/messages/send", new { recipientId, content, clientMessageId });

    /// <summary>Reads until <paramref name="done"/> holds (the shared <see cref="Eventually"/>), and returns that value.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        T value = default!;
        await Eventually.WaitUntilAsync(async () => done(value = await read()), "the read shows the change");
        return value;
    }

    [Fact]
    public async Task Send_returns_the_contract_message_and_a_retry_returns_it_again()
    {
        var (a, b) = await FriendsAsync();

        var first = await SendAsync(a.Client, b.User.UserId, "<img src=x onerror=alert(1)>", "c-1");
        var retry = await SendAsync(a.Client, b.User.UserId, "<img src=x onerror=alert(1)>", "c-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var message = await first.JsonAsync();
        Assert.Equal((await retry.JsonAsync()).GetProperty("messageId").GetString(), message.GetProperty("messageId").GetString());
        Assert.Equal(1, message.GetProperty("seq").GetInt64());
        Assert.Equal(a.User.UserId, message.GetProperty("senderId").GetString());
        Assert.Equal(b.User.UserId, message.GetProperty("recipientId").GetString());
        Assert.Equal("<img src=x onerror=alert(1)>", message.GetProperty("content").GetString());
        Assert.False(message.GetProperty("isGreeting").GetBoolean());
        Assert.Equal("c-1", message.GetProperty("clientMessageId").GetString());

        var with = await (await a.Client.GetAsync($"/api/messages/conversations/with/{b.User.UserId}")).JsonAsync();
        Assert.Equal(message.GetProperty("conversationId").GetString(), with.GetProperty("conversationId").GetString());

        var history = await (await b.Client.GetAsync($"/api/messages/{with.GetProperty("conversationId").GetString()}")).JsonAsync();
        Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.False(history.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task Message_errors_carry_the_contract_codes()
    {
        var (a, b) = await FriendsAsync();
        var stranger = await SignUpAsync();

        await (await SendAsync(stranger.Client, a.User.UserId, "hi")).AssertProblemAsync(HttpStatusCode.Forbidden, "not_friends");
        await (await SendAsync(a.Client, b.User.UserId, "   ")).AssertProblemAsync(HttpStatusCode.BadRequest, "empty_message");
        await (await SendAsync(a.Client, b.User.UserId, new string('x', 2001))).AssertProblemAsync(HttpStatusCode.BadRequest, "message_too_long");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(a.Client, b.User.UserId, string.Concat(Enumerable.Repeat("é😀", 1000)))).StatusCode);
        await (await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = b.User.UserId, content = 5 })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await a.Client.PostAsJsonAsync("/api/messages/send", new { recipientId = new string('r', 101), content = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var conversationId = (await (await a.Client.GetAsync($"/api/messages/conversations/with/{b.User.UserId}")).JsonAsync()).GetProperty("conversationId").GetString();
        await (await stranger.Client.GetAsync($"/api/messages/{conversationId}")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        await (await stranger.Client.GetAsync("/api/messages/not-a-conversation")).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");
        await (await a.Client.GetAsync($"/api/messages/{conversationId}?limit=101")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await stranger.Client.PostAsJsonAsync("/api/messages/mark-read", new { conversationId })).AssertProblemAsync(HttpStatusCode.NotFound, "conversation_not_found");

        await a.Client.PostAsync($"/api/friends/block/{b.User.UserId}", null);
        await (await SendAsync(b.Client, a.User.UserId, "hi")).AssertProblemAsync(HttpStatusCode.Forbidden, "blocked");
    }

    [Fact]
    public async Task Sending_faster_than_the_limit_is_rate_limited_with_retry_after()
    {
        var (a, b) = await FriendsAsync();

        // Burst 20, refill 10/s. Requests go out in parallel rounds of 30 until one is refused;
        // how many got through depends on how long that took, so the bound uses the measured time.
        var responses = new List<HttpResponseMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < 10 && responses.All(r => r.StatusCode != HttpStatusCode.TooManyRequests); round++)
        {
            responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 30).Select(i => SendAsync(a.Client, b.User.UserId, $"r{round}m{i}"))));
        }

        var elapsedSeconds = clock.Elapsed.TotalSeconds;
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.InRange(created, 20, 20 + (int)Math.Ceiling(elapsedSeconds * 10) + 1);
    }

    [Fact]
    public async Task Unread_mark_read_hide_and_conversation_list_follow_the_contract()
    {
        var (a, b) = await FriendsAsync();
        string? lastMessageId = null;
        for (var i = 0; i < 3; i++)
        {
            lastMessageId = (await (await SendAsync(a.Client, b.User.UserId, $"m{i}")).JsonAsync()).GetProperty("messageId").GetString();
        }

        var unread = await EventuallyAsync(async () => await (await b.Client.GetAsync("/api/messages/unread")).JsonAsync(), u => u.GetProperty("totalUnread").GetInt32() == 3);
        Assert.Equal(3, unread.GetProperty("totalUnread").GetInt32());
        Assert.Equal(1, unread.GetProperty("conversations").GetInt32());

        var list = await (await b.Client.GetAsync($"/api/messages/conversations?search={a.User.Username[..6]}")).JsonAsync();
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(a.User.UserId, item.GetProperty("peer").GetProperty("userId").GetString());
        Assert.Equal(a.User.Username, item.GetProperty("peer").GetProperty("username").GetString());
        Assert.Equal("m2", item.GetProperty("lastMessage").GetProperty("content").GetString());
        Assert.Equal(3, item.GetProperty("unreadCount").GetInt32());
        var conversationId = item.GetProperty("conversationId").GetString();
        Assert.Empty((await (await b.Client.GetAsync("/api/messages/conversations?search=zzzz-nobody")).JsonAsync()).GetProperty("items").EnumerateArray());

        var read = await (await b.Client.PostAsJsonAsync("/api/messages/mark-read", new { conversationId, upToSeq = 2 })).JsonAsync();
        Assert.Equal(2, read.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(1, read.GetProperty("unreadCount").GetInt32());

        // History carries how far each participant has read (the sender has read its own messages), for "Seen" after a reload.
        var readBy = (await (await a.Client.GetAsync($"/api/messages/{conversationId}")).JsonAsync()).GetProperty("readBy").EnumerateArray()
            .ToDictionary(cursor => cursor.GetProperty("userId").GetString()!, cursor => cursor.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(new Dictionary<string, long> { [a.User.UserId] = 3, [b.User.UserId] = 2 }, readBy);
        var readAll = await (await b.Client.PostAsJsonAsync("/api/messages/mark-read", new { conversationId })).JsonAsync();
        Assert.Equal(0, readAll.GetProperty("unreadCount").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.PostAsJsonAsync("/api/messages/hide", new { conversationId, messageId = lastMessageId })).StatusCode);
        var forB = await (await b.Client.GetAsync($"/api/messages/{conversationId}")).JsonAsync();
        Assert.Equal(["m0", "m1"], forB.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        var forA = await (await a.Client.GetAsync($"/api/messages/{conversationId}?afterSeq=1")).JsonAsync();
        Assert.Equal(["m1", "m2"], forA.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        await (await b.Client.PostAsJsonAsync("/api/messages/hide", new { conversationId, messageId = "nope" })).AssertProblemAsync(HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task Greetings_need_pro_and_file_a_friend_request()
    {
        var sender = await SignUpAsync();
        var recipient = await SignUpAsync();

        await (await sender.Client.PostAsJsonAsync("/api/messages/greeting", new { recipientId = recipient.User.UserId, content = "hi!" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "pro_required");

        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Admin-Key", SocialApiFactory.AdminKey);
        await admin.PutAsJsonAsync($"/api/admin/users/{sender.User.UserId}/plan", new { plan = "pro" });

        var greeting = await sender.Client.PostAsJsonAsync("/api/messages/greeting", new { recipientId = recipient.User.UserId, content = "hi!" });
        Assert.Equal(HttpStatusCode.Created, greeting.StatusCode);
        Assert.True((await greeting.JsonAsync()).GetProperty("isGreeting").GetBoolean());
        await (await sender.Client.PostAsJsonAsync("/api/messages/greeting", new { recipientId = recipient.User.UserId, content = "again" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "greeting_already_sent");

        var pending = await (await recipient.Client.GetAsync("/api/friends/list?status=pending")).JsonAsync();
        Assert.Equal("incoming", Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("direction").GetString());
        await (await SendAsync(recipient.Client, sender.User.UserId, "who are you?")).AssertProblemAsync(HttpStatusCode.Forbidden, "not_friends");

        await recipient.Client.PostAsync($"/api/friends/accept/{sender.User.UserId}", null);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(recipient.Client, sender.User.UserId, "welcome")).StatusCode);
        await (await sender.Client.PostAsJsonAsync("/api/messages/greeting", new { recipientId = recipient.User.UserId, content = "x" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "already_friends");
    }
}
