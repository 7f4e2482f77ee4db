using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Grains.Messages;
using Social.Storage.Messages;
using Social.Testing;
using Xunit.Abstractions;

namespace Social.Grains.Tests;

/// <summary>
/// A conversation's first message, which also stores the conversation (one commit), on a
/// two-silo cluster over PostgreSQL: duplicates and both members sending at once, a silo killed
/// under first sends, and a conversation left without its first message by the older two-commit
/// creation.
/// </summary>
public sealed class FirstMessageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Duplicate_first_sends_and_both_members_sending_first_at_once_store_one_conversation()
    {
        await KilledSilos.RunAsync("first_message_races", async cluster =>
        {
            var grains = cluster.GrainFactory;
            var pairs = await BefriendAsync(grains, 30);

            // Per pair: the same first message five times from A, and B's first message, all at once.
            var sends = pairs.Select(pair =>
            {
                var fromA = Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
                    grains.GetDirectConversation(pair.A, pair.B).Send(new SendMessageCommand(pair.A, pair.B, "hello", "first-a"))));
                var fromB = Task.Run(() => grains.GetDirectConversation(pair.B, pair.A).Send(new SendMessageCommand(pair.B, pair.A, "hi", "first-b")));
                return (FromA: Task.WhenAll(fromA), FromB: fromB);
            }).ToList();
            await Task.WhenAll(sends.Select(s => Task.WhenAll(s.FromA, s.FromB)));

            foreach (var ((a, b), (fromA, fromB)) in pairs.Zip(sends))
            {
                var answersA = await fromA;
                var answerB = await fromB;
                Assert.All(answersA, answer => Assert.Equal(MessageError.None, answer.Error));
                Assert.Single(answersA.Select(answer => answer.Message!.MessageId).Distinct());
                Assert.Single(answersA, answer => !answer.Duplicate);
                Assert.Equal(MessageError.None, answerB.Error);

                var history = await grains.GetDirectConversation(a, b).GetHistory(b, null, null, 10);
                Assert.Equal([1L, 2L], history!.Items.Select(m => m.Seq));
                Assert.Equal(["first-a", "first-b"], history.Items.Select(m => m.ClientMessageId).Order(StringComparer.Ordinal));
            }

            await AssertListedAsync(grains, pairs, expectedLastSeq: 2);
        });
    }

    [Fact]
    public async Task First_sends_retried_across_a_killed_silo_store_each_conversation_once()
    {
        await KilledSilos.RunAsync("first_message_killed", async cluster =>
        {
            var grains = cluster.GrainFactory;
            var pairs = await BefriendAsync(grains, 80);

            // Each pair's two members send their first messages, retried as clients retry, while
            // the secondary silo is killed under them.
            var failures = 0;
            var started = 0;
            var someStarted = new TaskCompletionSource();
            var sending = pairs.SelectMany(pair => new[] { (From: pair.A, To: pair.B), (From: pair.B, To: pair.A) }).Select(send => Task.Run(async () =>
            {
                if (Interlocked.Increment(ref started) == 40)
                {
                    someStarted.TrySetResult();
                }

                var command = new SendMessageCommand(send.From, send.To, "first", "first-" + send.From);
                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(
                    () => grains.GetDirectConversation(send.From, send.To).Send(command), r => r.Error == MessageError.None));
            })).ToList();

            await someStarted.Task.WaitAsync(KilledSilos.RetryFor);
            var victim = cluster.SecondarySilos[0];
            output.WriteLine($"killing {victim.SiloAddress} after {Volatile.Read(ref started)} first sends started");
            await cluster.KillSiloAsync(victim);
            await Task.WhenAll(sending);
            output.WriteLine($"{failures} first sends failed and were retried");

            foreach (var (a, b) in pairs)
            {
                var history = await grains.GetDirectConversation(a, b).GetHistory(a, null, null, 10);
                Assert.Equal([1L, 2L], history!.Items.Select(m => m.Seq));
                Assert.Equal(2, history.Items.Select(m => m.ClientMessageId).Distinct().Count());
            }

            await AssertListedAsync(grains, pairs, expectedLastSeq: 2);
        });
    }

    [Fact]
    public async Task A_conversation_stored_without_its_first_message_takes_it_as_seq_one()
    {
        // What the older creation (its own commit before the first message's) left behind when a
        // silo died between the two.
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("first_message_orphan");
        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            var pairs = await BefriendAsync(grains, 3);
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            await using (var store = new PostgresMessageStore(dataSource, NullLogger<PostgresMessageStore>.Instance))
            {
                foreach (var (a, b) in pairs)
                {
                    await store.EnsureConversationAsync(ConversationIds.Direct(a, b), [a, b], DateTimeOffset.UtcNow);
                }
            }

            foreach (var (a, b) in pairs)
            {
                var sent = await grains.GetDirectConversation(a, b).Send(new SendMessageCommand(a, b, "at last", "c1"));
                Assert.Equal(1, sent.Message!.Seq);
                var reply = await grains.GetDirectConversation(b, a).Send(new SendMessageCommand(b, a, "yes", "c2"));
                Assert.Equal(2, reply.Message!.Seq);
            }

            await AssertListedAsync(grains, pairs, expectedLastSeq: 2);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static async Task<List<(string A, string B)>> BefriendAsync(IGrainFactory grains, int count)
    {
        var pairs = Enumerable.Range(0, count).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();
        foreach (var (a, b) in pairs)
        {
            await KilledSilos.RetryAsync(() => grains.GetFriendship(a, b).Request(a), r => r.Succeeded);
            await KilledSilos.RetryAsync(() => grains.GetFriendship(a, b).Accept(b), r => r.Succeeded);
        }

        return pairs;
    }

    /// <summary>Both members list the conversation once, at its last seq, with one unread message between them (each sent one).</summary>
    private static async Task AssertListedAsync(IGrainFactory grains, List<(string A, string B)> pairs, long expectedLastSeq)
    {
        foreach (var (a, b) in pairs)
        {
            var conversationId = ConversationIds.Direct(a, b);
            var unread = 0;
            foreach (var (user, peer) in new[] { (a, b), (b, a) })
            {
                var listed = await Eventually.HoldsAsync(async () =>
                {
                    var page = await grains.GetUser(user).ListConversations(50, null, null);
                    var entry = Assert.Single(page.Items);
                    Assert.Equal(expectedLastSeq, entry.LastSeq);
                    return entry;
                });
                Assert.Equal(conversationId, listed.ConversationId);
                Assert.Equal(peer, listed.PeerId);
                unread += listed.UnreadCount;
            }

            Assert.Equal(1, unread);
        }
    }
}
