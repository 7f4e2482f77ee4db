namespace Social.Client.Tests;

/// <summary>Every route of the contract through the typed client, against the real server.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class RestRoutesTests(SharedServer server)
{
    [Fact]
    public async Task Register_login_and_me()
    {
        using var client = server.CreateSocialClient();
        var username = TestUsers.NewUsername("reg");
        var registered = await client.Auth.RegisterAsync(new RegisterRequest(username, TestUsers.Password, "Reggie", $"0x{Guid.NewGuid():N}"));
        Assert.Equal(username, registered.Username);
        Assert.True(registered.ExpiresAt > DateTimeOffset.UtcNow);

        using var again = server.CreateSocialClient();
        var login = await again.Auth.LoginAsync(username.ToUpperInvariant(), TestUsers.Password);
        Assert.Equal(registered.UserId, login.UserId);
        Assert.Equal(login.AccessToken, again.AccessToken?.Value);

        var me = await again.Users.GetMeAsync();
        Assert.Equal(new CurrentUser(registered.UserId, username, "Reggie", Plans.Free, 0, 500), me);
    }

    [Fact]
    public async Task Profiles_and_search_show_the_relationship()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        await alice.Client.Friends.RequestAsync(bob.UserId);

        Assert.Equal(Relationships.PendingOutgoing, (await alice.Client.Users.GetAsync(bob.UserId)).Relationship);
        Assert.Equal(Relationships.PendingIncoming, (await bob.Client.Users.GetAsync(alice.UserId)).Relationship);
        var found = await alice.Client.Users.SearchAsync(bob.Username, limit: 5);
        Assert.Equal(bob.UserId, Assert.Single(found.Items).UserId);
        Assert.Empty((await alice.Client.Users.SearchAsync(alice.Username)).Items);
    }

    [Fact]
    public async Task Friend_requests_accept_reject_cancel_unfriend_block_unblock_and_lists()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        using var dave = await server.SignUpAsync("dave");
        using var erin = await server.SignUpAsync("erin");

        Assert.Equal(FriendStatuses.Pending, (await alice.Client.Friends.RequestAsync(bob.UserId)).Status);
        Assert.Equal(FriendStatuses.Accepted, (await bob.Client.Friends.RequestAsync(alice.UserId)).Status);
        var friends = await alice.Client.Friends.ListAsync();
        Assert.Equal(bob.UserId, Assert.Single(friends.Items).UserId);

        await carol.Client.Friends.RequestAsync(alice.UserId);
        var pending = await alice.Client.Friends.ListAsync(FriendStatuses.Pending);
        Assert.Equal(("incoming", carol.UserId), (Assert.Single(pending.Items).Direction, pending.Items[0].UserId));
        await alice.Client.Friends.RejectAsync(carol.UserId);
        await alice.Client.Friends.RequestAsync(dave.UserId);
        await alice.Client.Friends.CancelAsync(dave.UserId);
        Assert.Empty((await alice.Client.Friends.ListAsync(FriendStatuses.Pending)).Items);

        await carol.Client.Friends.RequestAsync(alice.UserId);
        await dave.Client.Friends.RequestAsync(alice.UserId);
        var batch = await alice.Client.Friends.BatchAcceptAsync([carol.UserId, dave.UserId, erin.UserId]);
        Assert.Equal(new[] { carol.UserId, dave.UserId }.Order(), batch.Accepted.Order());
        Assert.Equal(new BatchAcceptFailure(erin.UserId, ErrorCodes.NoPendingRequest), Assert.Single(batch.Failed));
        Assert.Equal(3, (await alice.Client.Users.GetMeAsync()).FriendCount);

        var all = new List<Friend>();
        await foreach (var friend in alice.Client.Friends.ListAllAsync())
        {
            all.Add(friend);
        }

        Assert.Equal(3, all.Count);
        await alice.Client.Friends.UnfriendAsync(carol.UserId);
        await alice.Client.Friends.BlockAsync(dave.UserId);
        Assert.Equal(dave.UserId, Assert.Single((await alice.Client.Friends.ListAsync(FriendStatuses.Blocked)).Items).UserId);
        Assert.Equal(Relationships.Blocked, (await alice.Client.Users.GetAsync(dave.UserId)).Relationship);
        await alice.Client.Friends.UnblockAsync(dave.UserId);
        Assert.Equal(Relationships.None, (await alice.Client.Users.GetAsync(dave.UserId)).Relationship);
        Assert.Equal(1, (await alice.Client.Users.GetMeAsync()).FriendCount);
    }

    [Fact]
    public async Task Messages_history_conversations_read_state_and_hide()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);

        var first = await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "one", "c1"));
        var retried = await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "one", "c1"));
        Assert.Equal(first.MessageId, retried.MessageId);
        for (var i = 2; i <= 5; i++)
        {
            await bob.Client.Messages.SendAsync(new SendMessageRequest(alice.UserId, $"m{i}"));
        }

        Assert.Equal(conversationId, first.ConversationId);
        Assert.Equal(1, first.Seq);
        var newest = await alice.Client.Messages.GetHistoryAsync(conversationId, limit: 2);
        Assert.Equal([4L, 5L], newest.Items.Select(m => m.Seq));
        Assert.True(newest.HasMore);
        Assert.Equal([2L, 3L], (await alice.Client.Messages.GetHistoryAsync(conversationId, beforeSeq: 4, limit: 2)).Items.Select(m => m.Seq));
        var after = new List<long>();
        await foreach (var message in alice.Client.Messages.ReadAfterAsync(conversationId, afterSeq: 1))
        {
            after.Add(message.Seq);
        }

        Assert.Equal([2L, 3L, 4L, 5L], after);

        var conversations = await alice.Client.Messages.ListConversationsAsync(search: bob.Username[..6]);
        var row = Assert.Single(conversations.Items);
        Assert.Equal((bob.UserId, 5L, 4), (row.Peer!.UserId, row.LastMessage!.Seq, row.UnreadCount));
        Assert.Equal(new UnreadSummary(4, 1), await alice.Client.Messages.GetUnreadAsync());
        Assert.Equal(new ReadState(conversationId, 3, 2), await alice.Client.Messages.MarkReadAsync(new MarkReadRequest(conversationId, 3)));
        Assert.Equal(0, (await alice.Client.Messages.MarkReadAsync(new MarkReadRequest(conversationId))).UnreadCount);

        await alice.Client.Messages.HideAsync(new HideRequest(conversationId, first.MessageId));
        Assert.DoesNotContain(first.MessageId, (await alice.Client.Messages.GetHistoryAsync(conversationId)).Items.Select(m => m.MessageId));
        Assert.Contains(first.MessageId, (await bob.Client.Messages.GetHistoryAsync(conversationId)).Items.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Greetings_need_pro_which_the_admin_route_grants()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        var refused = await Assert.ThrowsAsync<SocialApiException>(() => alice.Client.Messages.SendGreetingAsync(new GreetingRequest(bob.UserId, "hi")));
        Assert.Equal((403, ErrorCodes.ProRequired), (refused.Status, refused.Code));

        await alice.Client.Admin.SetPlanAsync(SocialTestServer.AdminKey, alice.UserId, Plans.Pro);
        var greeting = await alice.Client.Messages.SendGreetingAsync(new GreetingRequest(bob.UserId, "hi"));
        Assert.True(greeting.IsGreeting);
        Assert.Equal(Relationships.PendingIncoming, (await bob.Client.Users.GetAsync(alice.UserId)).Relationship);
        var twice = await Assert.ThrowsAsync<SocialApiException>(() => alice.Client.Messages.SendGreetingAsync(new GreetingRequest(bob.UserId, "again")));
        Assert.Equal(ErrorCodes.GreetingAlreadySent, twice.Code);

        var wrongKey = await Assert.ThrowsAsync<SocialApiException>(() => alice.Client.Admin.SetPlanAsync("wrong", alice.UserId, Plans.Free));
        Assert.Equal((401, ErrorCodes.Unauthorized), (wrongKey.Status, wrongKey.Code));
    }

    [Fact]
    public async Task Health_live_and_ready_answer()
    {
        using var client = server.CreateSocialClient();
        Assert.True(await client.IsLiveAsync());
        Assert.True(await client.IsReadyAsync());
    }
}
