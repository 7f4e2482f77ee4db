using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

/// <summary>
/// The rules every <see cref="IMessageStore"/> keeps. Each implementation runs all of them
/// through a subclass; each test gets a fresh, empty store.
/// </summary>
public abstract class MessageStoreContract : IAsyncLifetime
{
    /// <summary>Whole milliseconds, UTC: both stores give it back unchanged.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected IMessageStore Store { get; private set; } = null!;

    protected abstract Task<IMessageStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Appended_messages_are_read_back_with_every_field()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        var plain = new StoredMessage("c", 1, "alice", "bob", "hello ✓ 👋", T0.AddSeconds(1), IsGreeting: false, ClientMessageId: null);
        var greeting = new StoredMessage("c", 2, "bob", "alice", "hi", T0.AddSeconds(2), IsGreeting: true, ClientMessageId: "client-2");

        await Store.AppendAsync(plain);
        await Store.AppendAsync(greeting);

        Assert.Equal([plain, greeting], await Store.ReadPageAsync("c", null, null, 10));
    }

    [Fact]
    public async Task A_page_without_bounds_is_the_newest_messages_oldest_first()
    {
        await AppendConversationAsync("c", 10);

        Assert.Equal([8, 9, 10], Seqs(await Store.ReadPageAsync("c", null, null, 3)));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Seqs(await Store.ReadPageAsync("c", null, null, 50)));
    }

    [Fact]
    public async Task A_page_before_a_seq_is_the_newest_messages_below_it_oldest_first()
    {
        await AppendConversationAsync("c", 10);

        Assert.Equal([4, 5, 6], Seqs(await Store.ReadPageAsync("c", beforeSeq: 7, afterSeq: null, 3)));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("c", beforeSeq: 3, afterSeq: null, 3)));
        Assert.Empty(await Store.ReadPageAsync("c", beforeSeq: 1, afterSeq: null, 3));
    }

    [Fact]
    public async Task A_page_after_a_seq_is_the_oldest_messages_above_it()
    {
        await AppendConversationAsync("c", 10);

        Assert.Equal([1, 2, 3], Seqs(await Store.ReadPageAsync("c", beforeSeq: null, afterSeq: 0, 3)));
        Assert.Equal([5, 6, 7], Seqs(await Store.ReadPageAsync("c", beforeSeq: null, afterSeq: 4, 3)));
        Assert.Equal([9, 10], Seqs(await Store.ReadPageAsync("c", beforeSeq: null, afterSeq: 8, 3)));
        Assert.Empty(await Store.ReadPageAsync("c", beforeSeq: null, afterSeq: 10, 3));
    }

    [Fact]
    public async Task A_page_with_both_bounds_is_the_oldest_messages_between_them()
    {
        await AppendConversationAsync("c", 10);

        Assert.Equal([3, 4], Seqs(await Store.ReadPageAsync("c", beforeSeq: 8, afterSeq: 2, 2)));
        Assert.Equal([3, 4, 5, 6, 7], Seqs(await Store.ReadPageAsync("c", beforeSeq: 8, afterSeq: 2, 50)));
    }

    [Fact]
    public async Task A_page_holds_only_its_conversation_and_at_most_limit_messages()
    {
        await AppendConversationAsync("c", 5);
        await AppendConversationAsync("other", 5);

        Assert.All(await Store.ReadPageAsync("c", null, null, 50), m => Assert.Equal("c", m.ConversationId));
        Assert.Single(await Store.ReadPageAsync("c", null, null, 1));
        Assert.Empty(await Store.ReadPageAsync("c", null, null, 0));
        Assert.Empty(await Store.ReadPageAsync("no-such-conversation", null, null, 10));
    }

    [Fact]
    public async Task Ensuring_a_conversation_again_keeps_it_and_adds_only_missing_members()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        await Store.AppendAsync(Message("c", 1, "alice", "bob"));
        await Store.SetReadSeqAsync("c", "bob", 1);

        await Store.EnsureConversationAsync("c", ["bob", "alice"], T0.AddDays(1));
        await Store.EnsureConversationAsync("c", ["alice", "bob", "carol", "carol"], T0.AddDays(2));

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.NotNull(snapshot);
        Assert.Equal(
            [new ConversationMember("alice", 0, 1), new ConversationMember("bob", 1, 0), new ConversationMember("carol", 0, 0)],
            snapshot.Members);
        Assert.Equal(1, snapshot.LastSeq);
    }

    [Fact]
    public async Task A_first_message_creates_its_conversation_and_members_with_it()
    {
        Assert.Null(await Store.LoadConversationAsync("c", 10));

        await Store.AppendCreatingAsync(Message("c", 1, "alice", "bob"), new NewConversation("c", ["bob", "alice"], T0));

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.NotNull(snapshot);
        Assert.Equal([new ConversationMember("alice", 0, 1), new ConversationMember("bob", 0, 0)], snapshot.Members);
        Assert.Equal(1, snapshot.LastSeq);
        Assert.Equal(["c"], (await Store.LoadUserConversationsAsync("bob")).Select(row => row.ConversationId));
    }

    [Fact]
    public async Task Creating_appends_of_an_existing_conversation_add_only_their_message()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);

        await Store.AppendCreatingAsync(Message("c", 1, "alice", "bob"), new NewConversation("c", ["alice", "bob"], T0.AddDays(1)));
        await Store.AppendCreatingAsync(Message("c", 2, "bob", "alice"), new NewConversation("c", ["alice", "bob"], T0.AddDays(1)));

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.Equal(["alice", "bob"], snapshot!.Members.Select(m => m.UserId));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("c", null, null, 10)));
    }

    [Fact]
    public async Task A_refused_first_message_leaves_no_conversation_behind()
    {
        await Store.AppendAsync(Message("c", 1, "alice", "bob"));
        await Assert.ThrowsAsync<MessageAppendException>(() =>
            Store.AppendCreatingAsync(Message("c", 1, "alice", "bob"), new NewConversation("c", ["alice", "bob"], T0)));

        Assert.Null(await Store.LoadConversationAsync("c", 10));
        Assert.Empty(await Store.LoadUserConversationsAsync("alice"));
    }

    [Fact]
    public async Task Many_first_messages_at_once_each_create_their_own_conversation()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            Store.AppendCreatingAsync(Message($"c{i}", 1, $"a{i}", $"b{i}"), new NewConversation($"c{i}", [$"a{i}", $"b{i}"], T0)))));

        for (var i = 0; i < 200; i++)
        {
            var snapshot = await Store.LoadConversationAsync($"c{i}", 10);
            Assert.Equal([$"a{i}", $"b{i}"], snapshot!.Members.Select(m => m.UserId));
            Assert.Equal(1, snapshot.LastSeq);
        }
    }

    [Fact]
    public async Task Concurrent_ensures_of_one_conversation_all_succeed()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.EnsureConversationAsync("c", ["alice", "bob"], T0))));

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.NotNull(snapshot);
        Assert.Equal(["alice", "bob"], snapshot.Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task Loading_a_conversation_that_was_never_ensured_returns_null()
    {
        Assert.Null(await Store.LoadConversationAsync("no-such-conversation", 10));
    }

    [Fact]
    public async Task Loading_a_conversation_returns_members_with_cursors_and_own_seqs_the_last_seq_and_the_newest_messages()
    {
        await Store.EnsureConversationAsync("c", ["bob", "alice"], T0);
        for (var seq = 1; seq <= 7; seq++)
        {
            await Store.AppendAsync(seq <= 5 ? Message("c", seq, "alice", "bob") : Message("c", seq, "bob", "alice"));
        }

        await Store.SetReadSeqAsync("c", "bob", 4);

        var snapshot = await Store.LoadConversationAsync("c", 3);

        Assert.NotNull(snapshot);
        Assert.Equal("c", snapshot.ConversationId);
        Assert.Equal([new ConversationMember("alice", 0, 5), new ConversationMember("bob", 4, 7)], snapshot.Members);
        Assert.Equal(7, snapshot.LastSeq);
        Assert.Equal([5, 6, 7], Seqs(snapshot.Recent));
        Assert.Equal(Message("c", 7, "bob", "alice"), snapshot.Recent[^1]);
    }

    [Fact]
    public async Task Loading_a_conversation_without_messages_has_last_seq_zero_and_no_recent_messages()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);

        var snapshot = await Store.LoadConversationAsync("c", 10);

        Assert.NotNull(snapshot);
        Assert.Equal(0, snapshot.LastSeq);
        Assert.Empty(snapshot.Recent);
        Assert.Empty(snapshot.GreetingSenders);
        Assert.Equal([new ConversationMember("alice", 0, 0), new ConversationMember("bob", 0, 0)], snapshot.Members);
    }

    [Fact]
    public async Task Loading_a_conversation_names_who_has_sent_a_greeting()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        await Store.AppendAsync(Message("c", 1, "alice", "bob") with { IsGreeting = true });
        await Store.AppendAsync(Message("c", 2, "bob", "alice"));
        await Store.AppendAsync(Message("c", 3, "alice", "bob"));

        var snapshot = await Store.LoadConversationAsync("c", 1);

        Assert.Equal(["alice"], snapshot?.GreetingSenders);
    }

    [Fact]
    public async Task A_message_is_found_by_its_senders_client_message_id()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        await Store.AppendAsync(Message("c", 1, "alice", "bob") with { ClientMessageId = "m-1" });
        await Store.AppendAsync(Message("c", 2, "bob", "alice") with { ClientMessageId = "m-1" });
        await Store.AppendAsync(Message("c", 3, "alice", "bob"));

        Assert.Equal(Message("c", 1, "alice", "bob") with { ClientMessageId = "m-1" }, await Store.FindByClientMessageIdAsync("c", "alice", "m-1"));
        Assert.Equal(2, (await Store.FindByClientMessageIdAsync("c", "bob", "m-1"))?.Seq);
        Assert.Null(await Store.FindByClientMessageIdAsync("c", "alice", "m-2"));
        Assert.Null(await Store.FindByClientMessageIdAsync("other", "alice", "m-1"));
    }

    [Fact]
    public async Task A_read_cursor_only_moves_forward()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);

        await Store.SetReadSeqAsync("c", "bob", 5);
        await Store.SetReadSeqAsync("c", "bob", 3);
        await Store.SetReadSeqAsync("c", "alice", 2);

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.Equal([new ConversationMember("alice", 2, 0), new ConversationMember("bob", 5, 0)], snapshot?.Members);
    }

    [Fact]
    public async Task Setting_the_cursor_of_a_non_member_changes_nothing()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);

        await Store.SetReadSeqAsync("c", "mallory", 5);
        await Store.SetReadSeqAsync("no-such-conversation", "alice", 5);

        var snapshot = await Store.LoadConversationAsync("c", 10);
        Assert.Equal(["alice", "bob"], snapshot?.Members.Select(m => m.UserId));
        Assert.All(snapshot!.Members, m => Assert.Equal(0, m.LastReadSeq));
    }

    [Fact]
    public async Task Hiding_a_message_hides_it_for_that_participant_only()
    {
        await AppendConversationAsync("c", 2);

        Assert.True(await Store.HideAsync("c", 1, "alice"));
        Assert.True(await Store.HideAsync("c", 2, "bob"));

        var page = await Store.ReadPageAsync("c", null, null, 10);
        Assert.Equal((true, false), (page[0].HiddenBySender, page[0].HiddenByRecipient));
        Assert.Equal((false, true), (page[1].HiddenBySender, page[1].HiddenByRecipient));
        Assert.True(page[0].IsHiddenFor("alice"));
        Assert.False(page[0].IsHiddenFor("bob"));
        Assert.True(page[1].IsHiddenFor("bob"));
        Assert.False(page[1].IsHiddenFor("alice"));
    }

    [Fact]
    public async Task Hiding_twice_keeps_the_message_hidden_and_hiding_for_both_sides_hides_it_for_both()
    {
        await AppendConversationAsync("c", 1);

        Assert.True(await Store.HideAsync("c", 1, "bob"));
        Assert.True(await Store.HideAsync("c", 1, "bob"));
        Assert.True(await Store.HideAsync("c", 1, "alice"));

        var message = Assert.Single(await Store.ReadPageAsync("c", null, null, 10));
        Assert.Equal((true, true), (message.HiddenBySender, message.HiddenByRecipient));
    }

    [Fact]
    public async Task Hiding_a_missing_message_or_as_a_non_participant_returns_false_and_changes_nothing()
    {
        await AppendConversationAsync("c", 1);

        Assert.False(await Store.HideAsync("c", 2, "alice"));
        Assert.False(await Store.HideAsync("no-such-conversation", 1, "alice"));
        Assert.False(await Store.HideAsync("c", 1, "mallory"));

        var message = Assert.Single(await Store.ReadPageAsync("c", null, null, 10));
        Assert.Equal((false, false), (message.HiddenBySender, message.HiddenByRecipient));
    }

    [Fact]
    public async Task User_conversations_carry_members_last_seq_the_users_cursor_and_last_own_seq()
    {
        await Store.EnsureConversationAsync("c1", ["bob", "alice"], T0);
        await Store.EnsureConversationAsync("c2", ["alice", "carol"], T0);
        await Store.EnsureConversationAsync("c3", ["bob", "carol"], T0);
        await Store.AppendAsync(Message("c1", 1, "alice", "bob"));
        await Store.AppendAsync(Message("c1", 2, "bob", "alice"));
        await Store.AppendAsync(Message("c1", 3, "bob", "alice"));
        await Store.AppendAsync(Message("c3", 1, "bob", "carol"));
        await Store.SetReadSeqAsync("c1", "alice", 2);

        var rows = await Store.LoadUserConversationsAsync("alice");

        Assert.Equal(["c1", "c2"], rows.Select(r => r.ConversationId));
        Assert.Equal(["alice", "bob"], rows[0].MemberIds);
        Assert.Equal((3L, 2L, 1L), (rows[0].LastSeq, rows[0].LastReadSeq, rows[0].LastOwnSeq));
        Assert.Equal(Message("c1", 3, "bob", "alice"), rows[0].LastVisibleMessage);
        Assert.Equal(["alice", "carol"], rows[1].MemberIds);
        Assert.Equal((0L, 0L, 0L), (rows[1].LastSeq, rows[1].LastReadSeq, rows[1].LastOwnSeq));
        Assert.Null(rows[1].LastVisibleMessage);
        Assert.Empty(await Store.LoadUserConversationsAsync("nobody"));
    }

    [Fact]
    public async Task A_users_last_visible_message_skips_the_ones_that_user_hid_but_not_the_ones_the_peer_hid()
    {
        await AppendConversationAsync("c", 4); // alice → bob, every one

        await Store.HideAsync("c", 4, "alice");
        await Store.HideAsync("c", 3, "alice");
        await Store.HideAsync("c", 4, "bob");

        var alice = Assert.Single(await Store.LoadUserConversationsAsync("alice"));
        var bob = Assert.Single(await Store.LoadUserConversationsAsync("bob"));
        Assert.Equal(2, alice.LastVisibleMessage?.Seq);
        Assert.Equal(4, alice.LastSeq);
        Assert.Equal(3, bob.LastVisibleMessage?.Seq);

        await Store.HideAsync("c", 2, "alice");
        await Store.HideAsync("c", 1, "alice");
        alice = Assert.Single(await Store.LoadUserConversationsAsync("alice"));
        Assert.Null(alice.LastVisibleMessage);
        Assert.Equal((4L, 4L), (alice.LastSeq, alice.LastOwnSeq));
    }

    [Fact]
    public async Task Greeting_times_are_the_senders_greetings_since_the_given_time_oldest_first()
    {
        await Store.EnsureConversationAsync("c1", ["alice", "bob"], T0);
        await Store.EnsureConversationAsync("c2", ["alice", "carol"], T0);
        await Store.EnsureConversationAsync("c3", ["alice", "dave"], T0);
        await Store.AppendAsync(Message("c1", 1, "alice", "bob", T0.AddHours(1)) with { IsGreeting = true });
        await Store.AppendAsync(Message("c2", 1, "alice", "carol", T0.AddHours(3)) with { IsGreeting = true });
        await Store.AppendAsync(Message("c3", 1, "alice", "dave", T0.AddHours(2)) with { IsGreeting = true });
        await Store.AppendAsync(Message("c1", 2, "alice", "bob", T0.AddHours(4)));
        await Store.AppendAsync(Message("c1", 3, "bob", "alice", T0.AddHours(5)) with { IsGreeting = true });

        Assert.Equal([T0.AddHours(2), T0.AddHours(3)], await Store.LoadGreetingTimesAsync("alice", T0.AddHours(2)));
        Assert.Equal([T0.AddHours(5)], await Store.LoadGreetingTimesAsync("bob", T0));
        Assert.Empty(await Store.LoadGreetingTimesAsync("alice", T0.AddHours(6)));
        Assert.Empty(await Store.LoadGreetingTimesAsync("carol", T0));
    }

    [Fact]
    public async Task Four_thousand_concurrent_appends_across_four_hundred_conversations_all_commit_gap_free()
    {
        const int Conversations = 400;
        const int PerConversation = 10;
        for (var c = 0; c < Conversations; c++)
        {
            await Store.EnsureConversationAsync($"load-{c}", [$"a{c}", $"b{c}"], T0);
        }

        // All at once, from many threads.
        var appends = Enumerable.Range(1, PerConversation)
            .SelectMany(seq => Enumerable.Range(0, Conversations).Select(c => Message($"load-{c}", seq, $"a{c}", $"b{c}")))
            .Select(m => Task.Run(() => Store.AppendAsync(m)))
            .ToList();
        await Task.WhenAll(appends);

        for (var c = 0; c < Conversations; c++)
        {
            var page = await Store.ReadPageAsync($"load-{c}", null, null, 100);
            Assert.Equal(Enumerable.Range(1, PerConversation).Select(i => (long)i), Seqs(page));
            Assert.All(page, m => Assert.Equal($"load-{c}", m.ConversationId));
        }

        Assert.Equal(PerConversation, (await Store.LoadConversationAsync("load-399", 1))?.LastSeq);
    }

    [Fact]
    public async Task An_append_with_a_seq_already_stored_fails_and_keeps_the_stored_message()
    {
        await AppendConversationAsync("c", 2);

        var error = await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c", 2, "bob", "alice")));

        Assert.Equal(("c", 2L), (error.ConversationId, error.Seq));
        Assert.Equal(Message("c", 2, "alice", "bob"), (await Store.ReadPageAsync("c", null, null, 10))[^1]);
    }

    [Fact]
    public async Task An_append_reusing_a_senders_client_message_id_fails()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        await Store.AppendAsync(Message("c", 1, "alice", "bob") with { ClientMessageId = "k" });
        await Store.AppendAsync(Message("c", 2, "bob", "alice") with { ClientMessageId = "k" }); // another sender: allowed

        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c", 3, "alice", "bob") with { ClientMessageId = "k" }));

        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("c", null, null, 10)));
    }

    [Fact]
    public async Task A_second_greeting_from_one_sender_in_a_conversation_fails()
    {
        await Store.EnsureConversationAsync("c", ["alice", "bob"], T0);
        await Store.AppendAsync(Message("c", 1, "alice", "bob") with { IsGreeting = true });

        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c", 2, "alice", "bob") with { IsGreeting = true }));
    }

    [Fact]
    public async Task After_a_failed_append_the_conversation_takes_no_appends_until_it_is_loaded_again()
    {
        await AppendConversationAsync("c", 1);
        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c", 1, "alice", "bob")));

        // Seq 2 would be valid, but the writer that sent the failed seq 1 does not know the stored state.
        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c", 2, "alice", "bob")));
        Assert.Equal([1], Seqs(await Store.ReadPageAsync("c", null, null, 10)));

        Assert.Equal(1, (await Store.LoadConversationAsync("c", 10))?.LastSeq);
        await Store.AppendAsync(Message("c", 2, "alice", "bob"));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("c", null, null, 10)));
    }

    [Fact]
    public async Task A_failed_append_does_not_affect_other_conversations()
    {
        await AppendConversationAsync("bad", 1);
        await AppendConversationAsync("good", 1);

        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("bad", 1, "alice", "bob")));

        await Store.AppendAsync(Message("good", 2, "alice", "bob"));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("good", null, null, 10)));
    }

    /// <summary>Creates <paramref name="conversationId"/> for alice and bob with messages 1..count from alice.</summary>
    protected async Task AppendConversationAsync(string conversationId, int count)
    {
        await Store.EnsureConversationAsync(conversationId, ["alice", "bob"], T0);
        for (var seq = 1; seq <= count; seq++)
        {
            await Store.AppendAsync(Message(conversationId, seq, "alice", "bob"));
        }
    }

    protected static StoredMessage Message(string conversationId, long seq, string senderId, string recipientId, DateTimeOffset? createdAt = null) =>
        new(conversationId, seq, senderId, recipientId, $"message {seq} of {conversationId}",
            createdAt ?? T0.AddSeconds(seq), IsGreeting: false, ClientMessageId: null);

    protected static IEnumerable<long> Seqs(IEnumerable<StoredMessage> messages) => messages.Select(m => m.Seq);
}
