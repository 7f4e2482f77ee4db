using Social.Grains.Messages;
using Social.Grains.Users;

namespace Social.Grains.Tests;

[Collection(SharedClusterDefinition.Name)]
public sealed class MessagingTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private async Task<(string A, string B)> FriendsAsync()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        await _grains.GetFriendship(a, b).Request(a);
        await _grains.GetFriendship(a, b).Accept(b);
        return (a, b);
    }

    private Task<SendResult> SendAsync(string from, string to, string content, string? clientId = null) =>
        _grains.GetDirectConversation(from, to).Send(new SendMessageCommand(from, to, content, clientId));

    private Task<HistoryPage?> HistoryAsync(string user, string peer, long? before = null, long? after = null, int limit = 50) =>
        _grains.GetDirectConversation(user, peer).GetHistory(user, before, after, limit);

    /// <summary>Index notes are one-way, so the index catches up a moment after the send returns.</summary>
    private async Task<UnreadSummary> UnreadEventuallyAsync(string user, int expectedTotal)
    {
        UnreadSummary unread = null!;
        await Eventually.WaitUntilAsync(async () => (unread = await _grains.GetUser(user).GetUnread()).TotalUnread == expectedTotal, $"{user} has {expectedTotal} unread");
        return unread;
    }

    [Fact]
    public async Task Friends_exchange_messages_with_consecutive_seqs()
    {
        var (a, b) = await FriendsAsync();

        var first = await SendAsync(a, b, "hello");
        var second = await SendAsync(b, a, "hi <b>there</b> 👋");

        Assert.Equal(1, first.Message!.Seq);
        Assert.Equal(2, second.Message!.Seq);
        Assert.Equal(first.Message.ConversationId, ConversationIds.Direct(b, a));
        var history = await HistoryAsync(a, b);
        Assert.Equal(["hello", "hi <b>there</b> 👋"], history!.Items.Select(m => m.Content));
        Assert.False(history.HasMore);
    }

    [Fact]
    public async Task Strangers_cannot_message_each_other()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));

        Assert.Equal(MessageError.NotFriends, (await SendAsync(a, b, "hello")).Error);
        Assert.Null(await HistoryAsync(a, b));
    }

    [Fact]
    public async Task Unfriend_or_block_in_the_middle_stops_the_conversation()
    {
        var (a, b) = await FriendsAsync();
        var (c, d) = await FriendsAsync();
        await SendAsync(a, b, "before");
        await SendAsync(c, d, "before");

        await _grains.GetFriendship(a, b).Unfriend(b);
        await _grains.GetFriendship(c, d).Block(d);

        Assert.Equal(MessageError.NotFriends, (await SendAsync(a, b, "after")).Error);
        Assert.Equal(MessageError.NotFriends, (await SendAsync(b, a, "after")).Error);
        Assert.Equal(MessageError.Blocked, (await SendAsync(c, d, "after")).Error);
        Assert.Equal(MessageError.Blocked, (await SendAsync(d, c, "after")).Error);
        Assert.Single((await HistoryAsync(a, b))!.Items);
    }

    [Fact]
    public async Task Fifty_concurrent_sends_get_seqs_one_to_fifty_without_gaps()
    {
        var (a, b) = await FriendsAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SendAsync(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, $"m{i}")));

        Assert.All(results, r => Assert.Equal(MessageError.None, r.Error));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Select(r => r.Message!.Seq).Order());
        var history = await HistoryAsync(a, b, limit: 100);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), history!.Items.Select(m => m.Seq));
    }

    [Fact]
    public async Task Concurrent_duplicate_sends_with_one_client_id_store_one_message()
    {
        var (a, b) = await FriendsAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendAsync(a, b, "once", "client-1")));

        Assert.Single(results.Select(r => r.Message!.MessageId).Distinct());
        Assert.Single(results, r => !r.Duplicate);
        Assert.Equal("client-1", results[0].Message!.ClientMessageId);
        var retry = await SendAsync(a, b, "once", "client-1");
        Assert.True(retry.Duplicate);
        Assert.Single((await HistoryAsync(b, a))!.Items);

        // The same client id from the other participant is a different message.
        Assert.False((await SendAsync(b, a, "mine", "client-1")).Duplicate);
    }

    [Fact]
    public async Task A_retry_whose_client_id_has_left_the_grains_memory_returns_the_first_message()
    {
        var (a, b) = await FriendsAsync();
        var first = await SendAsync(a, b, "first", "client-old");

        // More messages than the conversation keeps in memory (its window of 200).
        for (var i = 0; i < 250; i++)
        {
            await SendAsync(i % 2 == 0 ? b : a, i % 2 == 0 ? a : b, $"m{i}", $"client-{i}");
        }

        var retry = await SendAsync(a, b, "first", "client-old");

        Assert.Equal(MessageError.None, retry.Error);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Message, retry.Message);

        // Nothing was stored for the retry, and the conversation numbers on without a gap.
        var next = await SendAsync(a, b, "next", "client-next");
        Assert.Equal(252, next.Message!.Seq);
        var newest = await HistoryAsync(a, b, limit: 3);
        Assert.Equal([250L, 251L, 252L], newest!.Items.Select(m => m.Seq));
        Assert.True((await SendAsync(a, b, "m1", "client-1")).Duplicate); // still in the window
    }

    [Fact]
    public async Task History_pages_backwards_and_forwards()
    {
        var (a, b) = await FriendsAsync();
        for (var i = 1; i <= 30; i++)
        {
            await SendAsync(i % 3 == 0 ? b : a, i % 3 == 0 ? a : b, $"m{i}");
        }

        var newest = await HistoryAsync(a, b, limit: 10);
        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), newest!.Items.Select(m => m.Seq));
        Assert.True(newest.HasMore);

        var older = await HistoryAsync(a, b, before: 21, limit: 10);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), older!.Items.Select(m => m.Seq));

        var oldest = await HistoryAsync(a, b, before: 11, limit: 10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), oldest!.Items.Select(m => m.Seq));
        Assert.False(oldest.HasMore);

        var catchUp = await HistoryAsync(a, b, after: 25, limit: 10);
        Assert.Equal(Enumerable.Range(26, 5).Select(i => (long)i), catchUp!.Items.Select(m => m.Seq));
        Assert.False(catchUp.HasMore);

        var fromStart = await HistoryAsync(a, b, after: 0, limit: 7);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), fromStart!.Items.Select(m => m.Seq));
        Assert.True(fromStart.HasMore);
    }

    [Fact]
    public async Task Hidden_messages_are_left_out_only_for_the_one_who_hid_them()
    {
        var (a, b) = await FriendsAsync();
        var first = (await SendAsync(a, b, "one")).Message!;
        await SendAsync(b, a, "two");

        Assert.Equal(MessageError.None, await _grains.GetDirectConversation(a, b).Hide(a, first.MessageId));

        Assert.Equal(["two"], (await HistoryAsync(a, b))!.Items.Select(m => m.Content));
        Assert.Equal(["one", "two"], (await HistoryAsync(b, a))!.Items.Select(m => m.Content));
        Assert.Equal(MessageError.MessageNotFound, await _grains.GetDirectConversation(a, b).Hide(a, "nonsense"));
        Assert.Equal(MessageError.ConversationNotFound, await _grains.GetDirectConversation(a, b).Hide(TestUsers.NewId("stranger"), first.MessageId));
    }

    [Fact]
    public async Task Unread_counts_follow_sends_and_read_cursors()
    {
        var (a, b) = await FriendsAsync();
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(a, b, $"m{i}");
        }

        Assert.Equal(new UnreadSummary(3, 1), await UnreadEventuallyAsync(b, 3));
        Assert.Equal(new UnreadSummary(0, 0), await _grains.GetUser(a).GetUnread());

        var read = await _grains.GetDirectConversation(b, a).MarkRead(b, 2);
        Assert.Equal(new ReadState(ConversationIds.Direct(a, b), 2, 1), read);
        Assert.Equal(1, (await UnreadEventuallyAsync(b, 1)).TotalUnread);

        await SendAsync(b, a, "reply");
        Assert.Equal(0, (await UnreadEventuallyAsync(b, 0)).TotalUnread);
        Assert.Equal(1, (await UnreadEventuallyAsync(a, 1)).TotalUnread);

        var all = await _grains.GetDirectConversation(a, b).MarkRead(a, null);
        Assert.Equal(4, all!.LastReadSeq);
        Assert.Equal(0, all.UnreadCount);
        Assert.Null(await _grains.GetDirectConversation(a, b).MarkRead(TestUsers.NewId("stranger"), null));
    }

    [Fact]
    public async Task Conversations_list_newest_first_with_last_message()
    {
        var user = TestUsers.NewId("lister");
        var peers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var peer = TestUsers.NewId("peer");
            await _grains.GetFriendship(user, peer).Request(user);
            await _grains.GetFriendship(user, peer).Accept(peer);
            await SendAsync(peer, user, $"from peer {i}");
            peers.Add(peer);
        }

        await SendAsync(user, peers[0], "latest");
        ConversationPage page = null!;
        await Eventually.WaitUntilAsync(
            async () => (page = await _grains.GetUser(user).ListConversations(10, null, null)).Items.Count >= 3 && page.Items[0].LastMessage?.Content == "latest",
            "the list shows the latest message first");

        Assert.Equal([peers[0], peers[2], peers[1]], page.Items.Select(item => item.PeerId));
        Assert.Equal("latest", page.Items[0].LastMessage!.Content);
        Assert.Equal([0, 1, 1], page.Items.Select(item => item.UnreadCount));

        var firstPage = await _grains.GetUser(user).ListConversations(2, null, null);
        var secondPage = await _grains.GetUser(user).ListConversations(2, firstPage.NextCursor, null);
        Assert.Equal(page.Items.Select(i => i.ConversationId), firstPage.Items.Concat(secondPage.Items).Select(i => i.ConversationId));
        Assert.Null(secondPage.NextCursor);
    }

    [Fact]
    public async Task Pro_greeting_files_a_request_and_the_recipient_cannot_reply_before_accepting()
    {
        var (free, pro, target) = (TestUsers.NewId("free"), TestUsers.NewId("pro"), TestUsers.NewId("target"));
        await _grains.GetUser(pro).SetPlan(Plan.Pro);

        Task<SendResult> Greet(string from, string to) =>
            _grains.GetDirectConversation(from, to).Send(new SendMessageCommand(from, to, "hello there", null, IsGreeting: true));

        Assert.Equal(MessageError.ProRequired, (await Greet(free, target)).Error);
        var greeting = await Greet(pro, target);
        Assert.True(greeting.Message!.IsGreeting);
        Assert.Equal(Friends.PeerStatus.PendingIncoming, (await _grains.GetUser(target).GetRelationship(pro)).Status);
        Assert.Equal(MessageError.GreetingAlreadySent, (await Greet(pro, target)).Error);
        Assert.Equal(MessageError.NotFriends, (await SendAsync(target, pro, "reply")).Error);
        Assert.Equal(MessageError.NotFriends, (await SendAsync(pro, target, "another")).Error);

        await _grains.GetFriendship(pro, target).Accept(target);
        Assert.Equal(2, (await SendAsync(target, pro, "reply")).Message!.Seq);
        Assert.Equal(MessageError.AlreadyFriends, (await Greet(pro, target)).Error);
    }

    [Fact]
    public async Task Concurrent_greetings_to_one_recipient_store_one()
    {
        var (pro, target) = (TestUsers.NewId("pro"), TestUsers.NewId("target"));
        await _grains.GetUser(pro).SetPlan(Plan.Pro);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            _grains.GetDirectConversation(pro, target).Send(new SendMessageCommand(pro, target, "hi", null, IsGreeting: true))));

        Assert.Single(results, r => r.Error == MessageError.None);
        Assert.All(results.Where(r => r.Error != MessageError.None), r => Assert.Equal(MessageError.GreetingAlreadySent, r.Error));
    }

    [Fact]
    public async Task Concurrent_greetings_from_a_free_user_file_no_friend_request()
    {
        var (free, target) = (TestUsers.NewId("free"), TestUsers.NewId("target"));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            _grains.GetDirectConversation(free, target).Send(new SendMessageCommand(free, target, "hi", null, IsGreeting: true))));

        Assert.All(results, r => Assert.Contains(r.Error, new[] { MessageError.ProRequired, MessageError.GreetingAlreadySent }));
        Assert.Contains(results, r => r.Error == MessageError.ProRequired);
        Assert.Equal(Friends.PeerStatus.None, (await _grains.GetFriendship(free, target).GetView(target)).Status);
    }

    [Fact]
    public async Task Content_rules_count_code_points_not_utf16_units()
    {
        var (a, b) = await FriendsAsync();
        var emoji2000 = string.Concat(Enumerable.Repeat("😀", 2000));

        Assert.Equal(MessageError.None, (await SendAsync(a, b, emoji2000)).Error);
        Assert.Equal(MessageError.MessageTooLong, (await SendAsync(a, b, emoji2000 + "x")).Error);
        Assert.Equal(MessageError.EmptyMessage, (await SendAsync(a, b, " \n\t ")).Error);
        Assert.Equal(emoji2000, (await HistoryAsync(b, a))!.Items.Single().Content);
    }
}
