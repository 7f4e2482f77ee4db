using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Messages;
using Social.Testing;

namespace Social.Storage.Tests.Messages;

/// <summary>
/// The contract on PostgreSQL, plus the group commit. Tests that need several appends in one
/// batch first hold a row in an open transaction (<see cref="HoldRowAsync"/>): the writer's batch
/// with the same key waits for it, everything appended meanwhile queues up, and once the holder
/// lets go, the next batch takes it all. Rows written by one transaction share their <c>xmin</c>.
/// </summary>
public sealed class PostgresMessageStoreTests : MessageStoreContract
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource!;

    protected override async Task<IMessageStore> CreateStoreAsync()
    {
        var server = await PostgresServer.GetAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("messages"));
        // One writer, so that the batching tests below see every append in one queue; the
        // store's parallel writers have their own test.
        return new PostgresMessageStore(_dataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 1);
    }

    public override async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable store)
        {
            await store.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appends_queued_behind_a_batch_in_flight_commit_together_in_one_transaction()
    {
        var conversations = Enumerable.Range(0, 10).Select(i => $"c{i}").ToList();
        await EnsureAsync(["first", .. conversations]);

        Task first;
        List<Task> queued;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            queued = [.. Enumerable.Range(1, 10).SelectMany(seq => conversations.Select(c => Store.AppendAsync(Message(c, seq, "alice", "bob"))))];

            // Still queued, not taken by a writer: nothing of them can commit while the first batch waits for the lock.
            Assert.Equal(queued.Count, ((PostgresMessageStore)Store).QueuedAppends);
            Assert.False(first.IsCompleted);
            Assert.DoesNotContain(queued, t => t.IsCompleted);
            await holder.ReleaseAsync();
        }

        await first;
        await Task.WhenAll(queued);
        Assert.Equal(1, await TransactionCountAsync(conversations));
        Assert.Equal(2, await TransactionCountAsync([.. conversations, "first"]));
    }

    [Fact]
    public async Task First_messages_queued_together_commit_with_their_conversations_in_one_transaction()
    {
        var conversations = Enumerable.Range(0, 10).Select(i => $"new{i}").ToList();
        await EnsureAsync(["first"]);

        Task first;
        List<Task> creating;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            creating = [.. conversations.Select(c => Store.AppendCreatingAsync(Message(c, 1, "alice", c + "-peer"), new NewConversation(c, ["alice", c + "-peer"], T0)))];
            await holder.ReleaseAsync();
        }

        await first;
        await Task.WhenAll(creating);

        // The messages, their conversations and members: one transaction (the same xmin).
        Assert.Equal(1, await TransactionCountAsync(conversations));
        await using var command = DataSource.CreateCommand("""
            SELECT count(*) FROM conversations c
              JOIN messages m ON m.conversation_id = c.conversation_id AND m.xmin = c.xmin
              JOIN conversation_members o ON o.conversation_id = c.conversation_id AND o.xmin = c.xmin
             WHERE c.conversation_id = ANY(@conversation_ids)
            """);
        command.Parameters.AddWithValue("conversation_ids", conversations.ToArray());
        Assert.Equal(20L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_rejected_first_message_in_a_batch_creates_nothing_and_the_others_create_theirs()
    {
        var conversations = Enumerable.Range(0, 10).Select(i => $"new{i}").ToList();
        await EnsureAsync(["first"]);
        await Store.AppendAsync(Message("bad", 1, "alice", "bob"));

        Task first;
        List<Task> creating;
        Task rejected;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            creating = [.. conversations.Select(c => Store.AppendCreatingAsync(Message(c, 1, "alice", c + "-peer"), new NewConversation(c, ["alice", c + "-peer"], T0)))];
            rejected = Store.AppendCreatingAsync(Message("bad", 1, "alice", "bob"), new NewConversation("bad", ["alice", "bob"], T0));
            await holder.ReleaseAsync();
        }

        await first;
        await Task.WhenAll(creating);
        await Assert.ThrowsAsync<MessageAppendException>(() => rejected);

        Assert.Equal(
            [.. conversations.Append("first").Order(StringComparer.Ordinal)],
            (await Store.LoadUserConversationsAsync("alice")).Select(row => row.ConversationId));
        Assert.Null(await Store.LoadConversationAsync("bad", 10));
    }

    [Fact]
    public async Task With_two_writers_a_blocked_batch_holds_up_only_its_own_writers_conversations()
    {
        await using var store = new PostgresMessageStore(DataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 2);
        var candidates = Enumerable.Range(0, 40).Select(i => $"p{i}").ToList();
        var blockedLane = store.AppendLaneOf("first");
        var sameLane = candidates.Where(c => store.AppendLaneOf(c) == blockedLane).Take(3).ToList();
        var otherLane = candidates.Where(c => store.AppendLaneOf(c) != blockedLane).Take(3).ToList();
        Assert.Equal(3, sameLane.Count);
        Assert.Equal(3, otherLane.Count);
        await EnsureAsync(["first", .. sameLane, .. otherLane]);

        List<Task> held, free;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            var first = store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            held = [first, .. Enumerable.Range(1, 5).SelectMany(seq => sameLane.Select(c => store.AppendAsync(Message(c, seq, "alice", "bob"))))];
            free = [.. Enumerable.Range(1, 5).SelectMany(seq => otherLane.Select(c => store.AppendAsync(Message(c, seq, "alice", "bob"))))];

            // The other writer commits while the first one waits for the lock.
            await Task.WhenAll(free).WaitAsync(WaitLimit);
            Assert.DoesNotContain(held, t => t.IsCompleted);
            await holder.ReleaseAsync();
        }

        await Task.WhenAll(held).WaitAsync(WaitLimit);
        foreach (var conversation in sameLane.Concat(otherLane))
        {
            var page = await store.ReadPageAsync(conversation, null, 0, 100);
            Assert.Equal([1L, 2, 3, 4, 5], page.Select(m => m.Seq));
        }
    }

    [Fact]
    public async Task With_batches_in_flight_in_parallel_a_blocked_batch_holds_up_only_its_own_conversation()
    {
        await using var store = new PostgresMessageStore(DataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 1, batchesInFlight: 2);
        var others = Enumerable.Range(0, 3).Select(i => $"q{i}").ToList();
        await EnsureAsync(["first", .. others]);

        List<Task> held, free;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            var first = store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            held = [first, .. Enumerable.Range(2, 4).Select(seq => store.AppendAsync(Message("first", seq, "alice", "bob")))];
            free = [.. Enumerable.Range(1, 5).SelectMany(seq => others.Select(c => store.AppendAsync(Message(c, seq, "alice", "bob"))))];

            // The same writer's second batch commits while its first waits for the lock; the
            // blocked conversation's later appends wait behind it.
            await Task.WhenAll(free).WaitAsync(WaitLimit);
            Assert.DoesNotContain(held, t => t.IsCompleted);
            await holder.ReleaseAsync();
        }

        await Task.WhenAll(held).WaitAsync(WaitLimit);
        foreach (var conversation in others.Append("first"))
        {
            var page = await store.ReadPageAsync(conversation, null, 0, 100);
            Assert.Equal([1L, 2, 3, 4, 5], page.Select(m => m.Seq));
        }
    }

    [Fact]
    public async Task With_batches_in_flight_in_parallel_every_append_of_a_burst_commits_in_order()
    {
        await using var store = new PostgresMessageStore(DataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 2, batchesInFlight: 3);
        var conversations = Enumerable.Range(0, 40).Select(i => $"burst{i}").ToList();
        await EnsureAsync(conversations);

        // Each conversation's appends in seq order, as its grain issues them, all conversations at once.
        var appends = conversations.Select(c => Task.Run(async () =>
        {
            var mine = new List<Task>();
            for (var seq = 1; seq <= 25; seq++)
            {
                mine.Add(store.AppendAsync(Message(c, seq, "alice", "bob")));
                if (seq % 5 == 0)
                {
                    await Task.Yield();
                }
            }

            await Task.WhenAll(mine);
        })).ToList();
        await Task.WhenAll(appends).WaitAsync(WaitLimit);

        foreach (var conversation in conversations)
        {
            var page = await store.ReadPageAsync(conversation, null, 0, 100);
            Assert.Equal(Enumerable.Range(1, 25).Select(seq => (long)seq), page.Select(m => m.Seq));
        }
    }

    [Fact]
    public async Task A_batch_holds_at_most_two_thousand_messages()
    {
        await EnsureAsync(["first", "bulk"]);
        var count = MessageAppendQueue.MaxBatchSize + 500;

        Task first;
        List<Task> queued;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            queued = [.. Enumerable.Range(1, count).Select(seq => Store.AppendAsync(Message("bulk", seq, "alice", "bob")))];
            await holder.ReleaseAsync();
        }

        await first;
        await Task.WhenAll(queued);
        Assert.Equal(2, await TransactionCountAsync(["bulk"]));
        Assert.Equal(count, (await Store.LoadConversationAsync("bulk", 0))?.LastSeq);
    }

    [Fact]
    public async Task A_rejected_append_fails_its_conversations_appends_in_the_batch_and_the_other_conversations_commit()
    {
        await AppendConversationAsync("bad", 1);
        await EnsureAsync(["first", "good1", "good2"]);

        Task first, duplicate, next;
        List<Task> good;
        await using (var holder = await HoldRowAsync("first", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            good = [Store.AppendAsync(Message("good1", 1, "alice", "bob")), Store.AppendAsync(Message("good2", 1, "alice", "bob"))];
            duplicate = Store.AppendAsync(Message("bad", 1, "bob", "alice"));
            next = Store.AppendAsync(Message("bad", 2, "bob", "alice"));
            good.Add(Store.AppendAsync(Message("good1", 2, "alice", "bob")));
            good.Add(Store.AppendAsync(Message("good2", 2, "alice", "bob")));
            await holder.ReleaseAsync();
        }

        await first;
        await Task.WhenAll(good);
        var duplicateError = await Assert.ThrowsAsync<MessageAppendException>(() => duplicate);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(duplicateError.InnerException).SqlState);
        // Seq 2 is new, but had seq 1 been new too and failed, storing seq 2 would leave a gap.
        await Assert.ThrowsAsync<MessageAppendException>(() => next);

        Assert.Equal([Message("bad", 1, "alice", "bob")], await Store.ReadPageAsync("bad", null, null, 10));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("good1", null, null, 10)));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("good2", null, null, 10)));

        // Later batches: the failed conversation is refused until reloaded, the others are not.
        var refused = await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("bad", 2, "bob", "alice")));
        Assert.Null(refused.InnerException);
        await Store.AppendAsync(Message("good1", 3, "alice", "bob"));
        Assert.Equal(1, (await Store.LoadConversationAsync("bad", 10))?.LastSeq);
        await Store.AppendAsync(Message("bad", 2, "bob", "alice"));
        Assert.Equal([1, 2], Seqs(await Store.ReadPageAsync("bad", null, null, 10)));
    }

    [Fact]
    public async Task A_batch_whose_connection_is_lost_is_retried_once_and_commits()
    {
        await EnsureAsync(["c"]);

        Task append;
        await using (var holder = await HoldRowAsync("c", 1))
        {
            append = Store.AppendAsync(Message("c", 1, "alice", "bob"));
            var writer = await WaitForBlockedInsertAsync();
            await TerminateAsync(writer);
            Assert.NotEqual(writer, await WaitForBlockedInsertAsync(except: writer));
            await holder.ReleaseAsync();
        }

        await append;
        Assert.Equal([1], Seqs(await Store.ReadPageAsync("c", null, null, 10)));
    }

    [Fact]
    public async Task A_batch_that_fails_again_on_retry_fails_every_append_in_it_and_refuses_those_conversations()
    {
        await EnsureAsync(["first", "c1", "c2"]);

        Task first;
        List<Task> batch;
        await using (var firstHolder = await HoldRowAsync("first", 1))
        await using (var batchHolder = await HoldRowAsync("c2", 1))
        {
            first = Store.AppendAsync(Message("first", 1, "alice", "bob"));
            await WaitForBlockedInsertAsync();
            batch = [Store.AppendAsync(Message("c1", 1, "alice", "bob")), Store.AppendAsync(Message("c2", 1, "alice", "bob"))];
            await firstHolder.ReleaseAsync();
            await first;

            // The batch of c1 and c2 now waits for batchHolder's row (perhaps on the same pooled
            // connection as the first batch); lose its connection twice.
            var writer = await WaitForBlockedInsertAsync();
            await TerminateAsync(writer);
            writer = await WaitForBlockedInsertAsync(except: writer);
            await TerminateAsync(writer);
            foreach (var append in batch)
            {
                await Assert.ThrowsAsync<MessageAppendException>(() => append);
            }

            await batchHolder.ReleaseAsync();
        }

        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c1", 1, "alice", "bob")));
        await Assert.ThrowsAsync<MessageAppendException>(() => Store.AppendAsync(Message("c2", 1, "alice", "bob")));
        await Store.AppendAsync(Message("first", 2, "alice", "bob"));

        Assert.Equal(0, (await Store.LoadConversationAsync("c1", 10))?.LastSeq);
        await Store.AppendAsync(Message("c1", 1, "alice", "bob"));
        Assert.Equal([1], Seqs(await Store.ReadPageAsync("c1", null, null, 10)));
    }

    [Fact]
    public async Task Disposing_the_store_writes_the_appends_still_queued_and_later_appends_fail()
    {
        await EnsureAsync(["c"]);

        List<Task> appends;
        ValueTask disposing;
        await using (var holder = await HoldRowAsync("c", 1))
        {
            appends = [Store.AppendAsync(Message("c", 1, "alice", "bob"))];
            await WaitForBlockedInsertAsync();
            appends.AddRange(Enumerable.Range(2, 49).Select(seq => Store.AppendAsync(Message("c", seq, "alice", "bob"))));
            disposing = ((PostgresMessageStore)Store).DisposeAsync();
            await holder.ReleaseAsync();
        }

        await disposing;
        Assert.All(appends, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(50, (await Store.LoadConversationAsync("c", 0))?.LastSeq);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.AppendAsync(Message("c", 51, "alice", "bob")));
    }

    private async Task EnsureAsync(IEnumerable<string> conversationIds)
    {
        foreach (var conversationId in conversationIds)
        {
            await Store.EnsureConversationAsync(conversationId, ["alice", "bob"], T0);
        }
    }

    /// <summary>
    /// Inserts (<paramref name="conversationId"/>, <paramref name="seq"/>) in a transaction left
    /// open: the store's insert of the same key waits until the holder is released (rolled back),
    /// and then succeeds.
    /// </summary>
    private async Task<RowHolder> HoldRowAsync(string conversationId, long seq)
    {
        var connection = await DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO messages (conversation_id, seq, sender_id, recipient_id, content, created_at)
            VALUES (@conversation_id, @seq, 'holder', 'holder', 'held', now())
            """, connection, transaction);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("seq", seq);
        await command.ExecuteNonQueryAsync();
        return new RowHolder(connection, transaction);
    }

    /// <summary>Waits until an insert into messages (other than backend <paramref name="except"/>) waits for a lock; returns its backend pid.</summary>
    private async Task<int> WaitForBlockedInsertAsync(int except = 0)
    {
        var blocked = 0;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                await using var command = DataSource.CreateCommand("""
                    SELECT pid FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'
                       AND position('INSERT INTO messages' in query) > 0 AND pid <> @except
                    """);
                command.Parameters.AddWithValue("except", except);
                blocked = await command.ExecuteScalarAsync() is int pid ? pid : 0;
                return blocked != 0;
            },
            "an insert waits for a lock",
            WaitLimit);
        return blocked;
    }

    private async Task TerminateAsync(int pid)
    {
        await using var command = DataSource.CreateCommand("SELECT pg_terminate_backend(@pid)");
        command.Parameters.AddWithValue("pid", pid);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>How many transactions wrote the messages of <paramref name="conversationIds"/>.</summary>
    private async Task<long> TransactionCountAsync(IReadOnlyList<string> conversationIds)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT count(DISTINCT xmin::text) FROM messages WHERE conversation_id = ANY(@conversation_ids)");
        command.Parameters.AddWithValue("conversation_ids", conversationIds.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class RowHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task ReleaseAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
