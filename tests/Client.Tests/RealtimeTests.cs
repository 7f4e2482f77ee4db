namespace Social.Client.Tests;

/// <summary>Every event through <see cref="SocialConnection"/>, and the outbox's order.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class RealtimeTests(SharedServer server)
{
    [Fact]
    public async Task Every_event_arrives_typed_and_positioned_in_order()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        await using var aliceLive = alice.Client.Connect();
        await using var bobLive = bob.Client.Connect();
        var aliceLog = new EventLog(aliceLive);
        var bobLog = new EventLog(bobLive);
        await aliceLive.StartAsync();
        await bobLive.StartAsync();

        await bob.Client.Friends.RequestAsync(alice.UserId);
        Assert.Equal(bob.UserId, (await aliceLog.WaitForAsync<FriendRequestEvent>()).Request.FromUserId);
        await bob.Client.Friends.CancelAsync(alice.UserId);
        await aliceLog.WaitForAsync<RelationshipEvent>(e => e.Kind == "friend_request_cancelled" && e.UserId == bob.UserId);
        await alice.Client.Friends.RequestAsync(bob.UserId);
        await bob.Client.Friends.RejectAsync(alice.UserId);
        await aliceLog.WaitForAsync<RelationshipEvent>(e => e.Kind == "friend_request_rejected" && e.UserId == bob.UserId);
        await alice.Client.Friends.RequestAsync(bob.UserId);
        await bob.Client.Friends.AcceptAsync(alice.UserId);
        Assert.Equal(bob.UserId, (await aliceLog.WaitForAsync<FriendAcceptedEvent>()).Friend.UserId);
        Assert.Equal(alice.UserId, (await bobLog.WaitForAsync<FriendAcceptedEvent>()).Friend.UserId);

        var sent = await aliceLive.SendMessageAsync(new SendMessageRequest(bob.UserId, "hello", "hub-1"));
        Assert.Equal("hello", (await bobLog.WaitForAsync<NewMessageEvent>()).Message.Content);
        Assert.Equal(sent.MessageId, (await aliceLog.WaitForAsync<NewMessageEvent>()).Message.MessageId);
        Assert.Equal(1, (await bobLive.MarkReadAsync(sent.ConversationId)).LastReadSeq);
        Assert.Equal(bob.UserId, (await aliceLog.WaitForAsync<ReadReceiptEvent>()).Receipt.ReaderId);
        await bobLive.TypingAsync(sent.ConversationId);
        var typing = await aliceLog.WaitForAsync<TypingEvent>();
        Assert.Equal(bob.UserId, typing.Typing.UserId);
        Assert.Null(typing.Position);

        await bob.Client.Friends.UnfriendAsync(alice.UserId);
        await aliceLog.WaitForAsync<RelationshipEvent>(e => e.Kind == "friend_removed");
        await alice.Client.Friends.BlockAsync(carol.UserId);
        await aliceLog.WaitForAsync<RelationshipEvent>(e => e.Kind == "user_blocked" && e.UserId == carol.UserId);
        await alice.Client.Friends.UnblockAsync(carol.UserId);
        await aliceLog.WaitForAsync<RelationshipEvent>(e => e.Kind == "user_unblocked" && e.UserId == carol.UserId);

        // Owed events carry consecutive positions of one epoch; nothing needed a resync.
        var positions = aliceLog.All.Where(e => e.Position is not null).Select(e => e.Position!).ToList();
        Assert.Single(positions.Select(p => p.Epoch).Distinct());
        Assert.Equal(Enumerable.Range(0, positions.Count).Select(i => positions[0].Seq + i), positions.Select(p => p.Seq));
        Assert.DoesNotContain(aliceLog.All, e => e is ResyncEvent);
        Assert.Equal(positions[^1], aliceLive.Position);
    }

    [Fact]
    public async Task Events_can_be_read_as_an_async_stream()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        await TestUsers.BefriendAsync(alice, bob);
        await using var bobLive = bob.Client.Connect();
        await bobLive.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var events = bobLive.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // The first MoveNextAsync runs the reader up to its first wait, so it is registered before the send.
        var next = events.MoveNextAsync();
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "streamed"));

        Message? streamed = null;
        while (streamed is null && await next)
        {
            if (events.Current is NewMessageEvent { Message.Content: "streamed" } heard)
            {
                streamed = heard.Message;
            }
            else
            {
                next = events.MoveNextAsync();
            }
        }

        Assert.Equal(alice.UserId, streamed?.SenderId);
    }

    [Fact]
    public async Task Outbox_keeps_the_order_of_a_burst_and_stores_each_message_once()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);
        await using var aliceLive = alice.Client.Connect();
        await using var bobLive = bob.Client.Connect();
        var bobLog = new EventLog(bobLive);
        await aliceLive.StartAsync();
        await bobLive.StartAsync();

        // 60 at once, more than the burst of 20 the rate limit allows: the outbox waits out each 429.
        var sends = Enumerable.Range(1, 60).Select(i => aliceLive.SendAsync(bob.UserId, $"burst {i}")).ToList();
        var stored = await Task.WhenAll(sends);

        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"burst {i}"), stored.OrderBy(m => m.Seq).Select(m => m.Content));
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), stored.Select(m => m.Seq));
        await bobLog.WaitForMessagesAsync(conversationId, 60);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"burst {i}"), bobLog.Messages.Select(m => m.Content));
        var history = new List<Message>();
        await foreach (var message in bob.Client.Messages.ReadAfterAsync(conversationId))
        {
            history.Add(message);
        }

        Assert.Equal(60, history.Count);
        Assert.Empty(aliceLive.Outbox.Pending);
    }

    [Fact]
    public async Task A_dropped_connection_resumes_without_a_gap_or_a_duplicate()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);
        await using var bobLive = bob.Client.Connect();
        var bobLog = new EventLog(bobLive);
        await bobLive.StartAsync();
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "m1"));
        await bobLog.WaitForMessagesAsync(conversationId, 1);

        // The transport drops (as on a network change); the connection comes back by itself.
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bobLive.StateChanged += (_, state) =>
        {
            if (state == ConnectionState.Reconnecting || state == ConnectionState.Connected)
            {
                reconnected.TrySetResult();
            }
        };
        await bobLive.Hub.StopAsync();
        for (var i = 2; i <= 6; i++)
        {
            await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, $"m{i}"));
        }

        await bobLog.WaitForMessagesAsync(conversationId, 6);
        await Eventually.WaitUntilAsync(() => bobLive.State == ConnectionState.Connected, "bob is connected again");
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "m7"));
        await bobLog.WaitForMessagesAsync(conversationId, 7);

        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), bobLog.Messages.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"m{i}"), bobLog.Messages.Select(m => m.Content));
        // Resume replayed the missed events: no catch-up through REST was needed.
        Assert.DoesNotContain(bobLog.All, e => e is ResyncEvent);
        Assert.DoesNotContain(bobLog.All.OfType<NewMessageEvent>(), e => e.CaughtUp);
    }
}
