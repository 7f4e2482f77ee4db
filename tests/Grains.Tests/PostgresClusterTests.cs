using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Social.Grains.Friends;
using Social.Grains.Hosting;
using Social.Grains.Messages;
using Social.Grains.Users;
using Social.Storage;
using Social.Storage.Messages;
using Social.Testing;

namespace Social.Grains.Tests;

/// <summary>Grains on a two-silo cluster whose state and membership live in a real PostgreSQL.</summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Relationships_and_plans_survive_a_restart_of_the_whole_cluster()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_restart");
        // Hex-looking and numeric ids must not share storage rows.
        var (a, b, c, d) = ("a", "0a", "10", TestUsers.NewId("d"));

        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            await grains.GetFriendship(a, b).Request(a);
            await grains.GetFriendship(a, b).Accept(b);
            await grains.GetFriendship(c, a).Request(c);
            await grains.GetFriendship(d, b).Block(d);
            await grains.GetUser(a).SetPlan(Plan.Pro);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        var restarted = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = restarted.GrainFactory;
            Assert.Equal(new UserSummary(Plan.Pro, 1, 2000), await grains.GetUser(a).GetSummary());
            Assert.Equal(new UserSummary(Plan.Free, 1, 500), await grains.GetUser(b).GetSummary());
            Assert.Equal(PeerStatus.Friends, (await grains.GetUser(b).GetRelationship(a)).Status);
            Assert.Equal(PeerStatus.PendingIncoming, (await grains.GetUser(a).GetRelationship(c)).Status);
            Assert.Equal(PeerStatus.PendingOutgoing, (await grains.GetUser(c).GetRelationship(a)).Status);
            Assert.Equal(PeerStatus.None, (await grains.GetUser(c).GetRelationship(b)).Status);
            Assert.True((await grains.GetUser(b).GetRelationship(d)).BlockedMe);
            Assert.Equal(FriendError.Blocked, (await grains.GetFriendship(b, d).Request(b)).Error);
            Assert.Equal(FriendError.AlreadyFriends, (await grains.GetFriendship(a, b).Request(b)).Error);
        }
        finally
        {
            await restarted.StopAllSilosAsync();
            await restarted.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cross_requests_on_postgres_end_as_friends_on_both_sides()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_race");
        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            var pairs = Enumerable.Range(0, 50).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();

            var results = await Task.WhenAll(pairs.SelectMany(pair => new[]
            {
                grains.GetFriendship(pair.A, pair.B).Request(pair.A),
                grains.GetFriendship(pair.B, pair.A).Request(pair.B),
            }));

            Assert.All(results, result => Assert.True(result.Succeeded));
            foreach (var (a, b) in pairs)
            {
                Assert.Equal(PeerStatus.Friends, (await grains.GetUser(a).GetRelationship(b)).Status);
                Assert.Equal(PeerStatus.Friends, (await grains.GetUser(b).GetRelationship(a)).Status);
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Acknowledged_messages_survive_a_restart_of_the_whole_cluster_in_order()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_messages");
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        string conversationId;
        long expectedUnreadForB;

        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            await grains.GetFriendship(a, b).Request(a);
            await grains.GetFriendship(a, b).Accept(b);

            // 50 concurrent senders through the group commit, with a duplicate client id mixed in.
            var sends = Enumerable.Range(0, 50).Select(i => grains.GetDirectConversation(a, b).Send(
                new SendMessageCommand(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, $"m{i}", i < 4 ? "dup" : null)));
            var results = await Task.WhenAll(sends);
            Assert.All(results, result => Assert.Equal(MessageError.None, result.Error));
            Assert.Equal(48, results.Select(r => r.Message!.Seq).Distinct().Count()); // one "dup" per sender
            conversationId = results[0].Message!.ConversationId;

            // B read up to 10 below; sending counts as reading what came before one's own message.
            var lastOwnByB = results.Where(r => r.Message!.SenderId == b).Max(r => r.Message!.Seq);
            expectedUnreadForB = 48 - Math.Max(10, lastOwnByB);
            await grains.GetConversation(conversationId).MarkRead(b, 10);
            var hidden = results.First(r => r.Message!.SenderId == a).Message!;
            Assert.Equal(MessageError.None, await grains.GetConversation(conversationId).Hide(a, hidden.MessageId));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        var restarted = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = restarted.GrainFactory;
            var history = await grains.GetConversation(conversationId).GetHistory(b, null, null, 100);
            Assert.Equal(Enumerable.Range(1, 48).Select(i => (long)i), history!.Items.Select(m => m.Seq));
            Assert.Equal(47, (await grains.GetConversation(conversationId).GetHistory(a, null, null, 100))!.Items.Count);

            var unread = await grains.GetUser(b).GetUnread();
            var page = await grains.GetUser(b).ListConversations(10, null, null);
            var entry = Assert.Single(page.Items);
            Assert.Equal(48, entry.LastSeq);
            Assert.Equal(entry.UnreadCount, unread.TotalUnread);
            Assert.Equal(expectedUnreadForB, unread.TotalUnread);

            var retry = await grains.GetConversation(conversationId).Send(new SendMessageCommand(a, b, "m0", "dup"));
            Assert.True(retry.Duplicate);
            var next = await grains.GetConversation(conversationId).Send(new SendMessageCommand(b, a, "after restart", null));
            Assert.Equal(49, next.Message!.Seq);
        }
        finally
        {
            await restarted.StopAllSilosAsync();
            await restarted.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_retry_older_than_the_grains_memory_is_answered_from_the_unique_index_on_postgres()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_old_retry");
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            await grains.GetFriendship(a, b).Request(a);
            await grains.GetFriendship(a, b).Accept(b);
            var conversation = grains.GetDirectConversation(a, b);
            var first = await conversation.Send(new SendMessageCommand(a, b, "first", "old"));

            // More messages than the conversation keeps in memory (its window of 200).
            await Task.WhenAll(Enumerable.Range(0, 210).Select(i => conversation.Send(new SendMessageCommand(b, a, $"m{i}", $"id-{i}"))));

            var retry = await conversation.Send(new SendMessageCommand(a, b, "first", "old"));
            Assert.True(retry.Duplicate);
            Assert.Equal(first.Message, retry.Message);

            var next = await conversation.Send(new SendMessageCommand(a, b, "next", "new"));
            Assert.Equal(212, next.Message!.Seq);
            var history = await conversation.GetHistory(a, null, null, 300);
            Assert.Equal(Enumerable.Range(1, 212).Select(i => (long)i), history!.Items.Select(m => m.Seq));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
