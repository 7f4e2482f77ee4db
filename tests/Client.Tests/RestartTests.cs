using Social.Testing;

namespace Social.Client.Tests;

/// <summary>
/// Across a restart of the whole server (PostgreSQL keeps what was stored; the event sequence
/// starts a new epoch), the connection reconnects and catches up, and the outbox delivers.
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Reconnect_across_a_server_restart_shows_every_message_once_in_order()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("client_restart");
        var port = FreePort.Next();
        var first = StartServer(database, port);
        using var alice = await TestUsers.SignUpAsync(first.CreateSocialClient(), "alice");
        using var bob = await TestUsers.SignUpAsync(first.CreateSocialClient(), "bob");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);
        await using var bobLive = bob.Client.Connect();
        var bobLog = new EventLog(bobLive);
        await bobLive.StartAsync();
        var groupId = (await alice.Client.Groups.CreateAsync("restart", [bob.UserId])).ConversationId;
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "before 1"));
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "before 2"));
        await bobLog.WaitForMessagesAsync(conversationId, 2);
        await bobLog.WaitForMessagesAsync(groupId, 1);

        await first.DisposeAsync();
        await using var second = StartServer(database, port);
        for (var i = 1; i <= 5; i++)
        {
            await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, $"while away {i}"));
        }

        await alice.Client.Groups.SendAsync(groupId, "group while away");
        await bobLog.WaitForMessagesAsync(conversationId, 7);
        await bobLog.WaitForMessagesAsync(groupId, 2);
        await Eventually.WaitUntilAsync(() => bobLive.State == ConnectionState.Connected, "bob is connected again");
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "after"));
        await bobLog.WaitForMessagesAsync(conversationId, 8);

        var direct = bobLog.Messages.Where(m => m.ConversationId == conversationId).ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), direct.Select(m => m.Seq));
        Assert.Equal(
            ["before 1", "before 2", .. Enumerable.Range(1, 5).Select(i => $"while away {i}"), "after"],
            direct.Select(m => m.Content));
        // The group's message is caught up through the group's own history, once.
        Assert.Equal([1L, 2L], bobLog.Messages.Where(m => m.ConversationId == groupId).Select(m => m.Seq));
        Assert.Contains(bobLog.All, e => e is ResyncEvent);
    }

    [Fact]
    public async Task Outbox_delivers_in_order_across_a_server_restart_and_stores_each_message_once()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("client_outbox");
        var port = FreePort.Next();
        var first = StartServer(database, port);
        using var alice = await TestUsers.SignUpAsync(first.CreateSocialClient(), "alice");
        using var bob = await TestUsers.SignUpAsync(first.CreateSocialClient(), "bob");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);
        await using var aliceLive = alice.Client.Connect();
        await aliceLive.StartAsync();
        var early = await aliceLive.SendAsync(bob.UserId, "m0");

        await first.DisposeAsync();
        var sends = Enumerable.Range(1, 10).Select(i => aliceLive.SendAsync(bob.UserId, $"m{i}")).ToList();
        await Eventually.WaitUntilAsync(() => aliceLive.Outbox.Pending.Any(p => p.Attempts > 0), "the outbox tried while the server was down");
        Assert.All(sends, send => Assert.False(send.IsCompleted));

        await using var second = StartServer(database, port);
        var stored = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), stored.Select(m => m.Seq));
        var history = new List<Message>();
        await foreach (var message in bob.Client.Messages.ReadAfterAsync(conversationId))
        {
            history.Add(message);
        }

        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"m{i}"), history.Select(m => m.Content));
        Assert.Equal(early.MessageId, history[0].MessageId);
    }

    private static SocialTestServer StartServer(string connectionString, int port) =>
        new(new SocialTestServerOptions { ConnectionString = connectionString, Kestrel = true, Port = port });
}
