namespace Social.Client.Tests;

/// <summary>Every group route, hub method and event through the typed client, against the real server.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class GroupsTests(SharedServer server)
{
    [Fact]
    public async Task Group_routes_manage_members_roles_and_messages()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        using var dave = await server.SignUpAsync("dave");
        await TestUsers.BefriendAsync(alice, bob);
        await TestUsers.BefriendAsync(alice, carol);
        await TestUsers.BefriendAsync(alice, dave);

        var created = await alice.Client.Groups.CreateAsync("  Trip  ", [bob.UserId, carol.UserId]);
        var id = created.ConversationId;
        Assert.Equal(("Trip", alice.UserId, 1L), (created.Name, created.OwnerId, created.LastSeq));
        Assert.Equal([alice.UserId, bob.UserId, carol.UserId], created.Members.Select(m => m.UserId));
        Assert.Equal([GroupRoles.Owner, GroupRoles.Member, GroupRoles.Member], created.Members.Select(m => m.Role));
        Assert.Equal(bob.Username, created.Members[1].Username);
        Assert.Equivalent(created, await bob.Client.Groups.GetAsync(id), strict: true);

        Assert.Equal("Trip 2", (await alice.Client.Groups.RenameAsync(id, "Trip 2")).Name);
        Assert.Contains(dave.UserId, (await alice.Client.Groups.AddMemberAsync(id, dave.UserId)).Members.Select(m => m.UserId));
        var promoted = await alice.Client.Groups.SetRoleAsync(id, bob.UserId, GroupRoles.Admin);
        Assert.Equal(GroupRoles.Admin, promoted.Members.Single(m => m.UserId == bob.UserId).Role);
        var handedOver = await alice.Client.Groups.TransferOwnershipAsync(id, bob.UserId);
        Assert.Equal(bob.UserId, handedOver.OwnerId);
        Assert.Equal(GroupRoles.Admin, handedOver.Members.Single(m => m.UserId == alice.UserId).Role);
        await bob.Client.Groups.RemoveMemberAsync(id, dave.UserId);
        await carol.Client.Groups.LeaveAsync(id);
        Assert.Equal([alice.UserId, bob.UserId], (await alice.Client.Groups.GetAsync(id)).Members.Select(m => m.UserId));

        var first = await alice.Client.Groups.SendAsync(id, "hello group", "g-1");
        Assert.Equal(first.MessageId, (await alice.Client.Groups.SendAsync(id, "hello group", "g-1")).MessageId);
        Assert.Equal((id, id, (GroupChange?)null), (first.ConversationId, first.RecipientId, first.System));
        await bob.Client.Groups.SendAsync(id, "hi all");

        var history = await bob.Client.Groups.GetHistoryAsync(id);
        Assert.Equal(
            [GroupChangeTypes.Created, GroupChangeTypes.Renamed, GroupChangeTypes.MemberAdded, GroupChangeTypes.RoleChanged,
             GroupChangeTypes.OwnerChanged, GroupChangeTypes.MemberRemoved, GroupChangeTypes.MemberLeft, null, null],
            history.Items.Select(m => m.System?.Type));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), history.Items.Select(m => m.Seq));
        Assert.Equal("Trip 2", history.Items[1].System!.Name);
        Assert.Equal([dave.UserId], history.Items[5].System!.UserIds);
        Assert.Equal([8L, 9L], (await bob.Client.Groups.GetHistoryAsync(id, afterSeq: 7)).Items.Select(m => m.Seq));
        Assert.Equal([6L, 7L], (await bob.Client.Groups.GetHistoryAsync(id, beforeSeq: 8, limit: 2)).Items.Select(m => m.Seq));
        var after = new List<long>();
        await foreach (var message in bob.Client.Groups.ReadAfterAsync(id, afterSeq: 6))
        {
            after.Add(message.Seq);
        }

        Assert.Equal([7L, 8L, 9L], after);

        // Carol left: she keeps the history up to her leaving and nothing after.
        Assert.Equal(7, (await carol.Client.Groups.GetHistoryAsync(id)).Items[^1].Seq);

        Assert.Equal(new ReadState(id, 8, 1), await alice.Client.Groups.MarkReadAsync(id, 8));
        Assert.Equal(8, (await bob.Client.Groups.GetHistoryAsync(id)).ReadBy!.Single(r => r.UserId == alice.UserId).LastReadSeq);
        Assert.Equal(0, (await alice.Client.Groups.MarkReadAsync(id)).UnreadCount);
        await alice.Client.Groups.HideAsync(id, first.MessageId);
        Assert.DoesNotContain(first.MessageId, (await alice.Client.Groups.GetHistoryAsync(id)).Items.Select(m => m.MessageId));
        Assert.Contains(first.MessageId, (await bob.Client.Groups.GetHistoryAsync(id)).Items.Select(m => m.MessageId));
        await alice.Client.Groups.TypingAsync(id);

        var row = Assert.Single((await alice.Client.Messages.ListConversationsAsync(search: "Trip 2")).Items);
        Assert.Equal((ConversationKinds.Group, (Peer?)null, new GroupSummary("Trip 2", 2, true)), (row.Kind, row.Peer, row.Group));
        var carolsRow = (await carol.Client.Messages.ListConversationsAsync()).Items.Single(c => c.ConversationId == id);
        Assert.False(carolsRow.Group!.IsMember);
        await alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "direct"));
        var direct = (await alice.Client.Messages.ListConversationsAsync()).Items.First(c => c.Kind == ConversationKinds.Direct);
        Assert.Null(direct.Group);
        Assert.NotNull(direct.Peer);
    }

    [Fact]
    public async Task Group_refusals_carry_the_contract_codes()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        using var stranger = await server.SignUpAsync("stranger");
        await TestUsers.BefriendAsync(alice, bob);
        await TestUsers.BefriendAsync(alice, carol);

        var invalid = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Groups.CreateAsync("   ", [bob.UserId]));
        Assert.Contains("name", invalid.Errors.Keys);
        await RefusalTests.Refused(403, ErrorCodes.NotFriends, () => alice.Client.Groups.CreateAsync("g", [stranger.UserId]));
        var id = (await alice.Client.Groups.CreateAsync("g", [bob.UserId])).ConversationId;

        await RefusalTests.Refused(404, ErrorCodes.GroupNotFound, () => stranger.Client.Groups.GetAsync(id));
        await RefusalTests.Refused(404, ErrorCodes.GroupNotFound, () => stranger.Client.Groups.SendAsync(id, "hi"));
        await RefusalTests.Refused(404, ErrorCodes.GroupNotFound, () => alice.Client.Groups.GetAsync("gr_" + Guid.NewGuid().ToString("N")));
        await RefusalTests.Refused(409, ErrorCodes.AlreadyMember, () => alice.Client.Groups.AddMemberAsync(id, bob.UserId));
        await RefusalTests.Refused(403, ErrorCodes.NotFriends, () => alice.Client.Groups.AddMemberAsync(id, stranger.UserId));
        await RefusalTests.Refused(403, ErrorCodes.NotGroupAdmin, () => bob.Client.Groups.AddMemberAsync(id, carol.UserId));
        await RefusalTests.Refused(403, ErrorCodes.NotGroupAdmin, () => bob.Client.Groups.TransferOwnershipAsync(id, bob.UserId));
        await RefusalTests.Refused(400, ErrorCodes.InvalidGroupTarget, () => alice.Client.Groups.SetRoleAsync(id, alice.UserId, GroupRoles.Member));
        await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Groups.SetRoleAsync(id, bob.UserId, GroupRoles.Owner));
        await RefusalTests.Refused(404, ErrorCodes.NotMember, () => alice.Client.Groups.RemoveMemberAsync(id, carol.UserId));
        await alice.Client.Groups.SetRoleAsync(id, bob.UserId, GroupRoles.Admin);
        await RefusalTests.Refused(400, ErrorCodes.InvalidGroupTarget, () => bob.Client.Groups.RemoveMemberAsync(id, alice.UserId));
        await RefusalTests.Refused(400, ErrorCodes.EmptyMessage, () => alice.Client.Groups.SendAsync(id, " "));
        await RefusalTests.Refused(400, ErrorCodes.MessageTooLong, () => alice.Client.Groups.SendAsync(id, new string('x', 2001)));
        await RefusalTests.Refused(404, ErrorCodes.MessageNotFound, () => alice.Client.Groups.HideAsync(id, "no-such-message"));
        await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Groups.MarkReadAsync(id, -1));

        await using var hub = stranger.Client.Connect();
        await hub.StartAsync();
        await RefusalTests.Refused(null, ErrorCodes.GroupNotFound, () => hub.SendGroupMessageAsync(id, "hi"));
        await RefusalTests.Refused(null, ErrorCodes.GroupNotFound, () => hub.MarkGroupReadAsync(id));
        await RefusalTests.Refused(null, ErrorCodes.GroupNotFound, () => hub.GroupTypingAsync(id));
        await RefusalTests.Refused(null, ErrorCodes.ValidationFailed, () => hub.MarkGroupReadAsync(id, -1));
        await RefusalTests.Refused(null, ErrorCodes.GroupNotFound, () => hub.SendToGroupAsync(id, "through the outbox"));
        Assert.Empty(hub.Outbox.Pending);
    }

    [Fact]
    public async Task Group_messages_reads_and_typing_arrive_in_real_time()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        await TestUsers.BefriendAsync(alice, bob);
        await TestUsers.BefriendAsync(alice, carol);
        await using var aliceLive = alice.Client.Connect();
        await using var bobLive = bob.Client.Connect();
        var aliceLog = new EventLog(aliceLive);
        var bobLog = new EventLog(bobLive);
        await aliceLive.StartAsync();
        await bobLive.StartAsync();

        var id = (await alice.Client.Groups.CreateAsync("live", [bob.UserId, carol.UserId])).ConversationId;
        var created = await bobLog.WaitForAsync<NewMessageEvent>(e => e.Message.ConversationId == id);
        Assert.Equal(GroupChangeTypes.Created, created.Message.System?.Type);
        Assert.NotNull(created.Position);

        var sent = await aliceLive.SendGroupMessageAsync(id, "over the hub", "hub-g-1");
        Assert.Equal(sent.MessageId, (await aliceLive.SendGroupMessageAsync(id, "over the hub", "hub-g-1")).MessageId);
        var queued = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => aliceLive.SendToGroupAsync(id, $"queued {i}")));
        Assert.Equal(Enumerable.Range(3, 5).Select(i => (long)i), queued.Select(m => m.Seq));
        await bobLog.WaitForMessagesAsync(id, 7);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), bobLog.Messages.Where(m => m.ConversationId == id).Select(m => m.Seq));
        Assert.Equal(["over the hub", .. Enumerable.Range(1, 5).Select(i => $"queued {i}")], bobLog.Messages.Skip(1).Select(m => m.Content));

        Assert.Equal(new ReadState(id, 7, 0), await bobLive.MarkGroupReadAsync(id, 7));
        var read = await aliceLog.WaitForAsync<GroupReadEvent>(e => e.Read.Readers.Any(r => r.UserId == bob.UserId));
        Assert.Equal((id, 7L), (read.Read.ConversationId, read.Read.Readers.Single(r => r.UserId == bob.UserId).LastReadSeq));
        Assert.Null(read.Position);

        await bobLive.GroupTypingAsync(id);
        var typing = await aliceLog.WaitForAsync<TypingEvent>(e => e.Typing.ConversationId == id);
        Assert.Equal(bob.UserId, typing.Typing.UserId);

        await alice.Client.Groups.RemoveMemberAsync(id, bob.UserId);
        var removed = await bobLog.WaitForAsync<NewMessageEvent>(e => e.Message.System?.Type == GroupChangeTypes.MemberRemoved);
        Assert.Equal([bob.UserId], removed.Message.System!.UserIds);

        // Bob's owed events (group messages among them) are consecutive, with nothing missed.
        var positions = bobLog.All.Where(e => e.Position is not null).Select(e => e.Position!).ToList();
        Assert.Equal(Enumerable.Range(0, positions.Count).Select(i => positions[0].Seq + i), positions.Select(p => p.Seq));
        Assert.DoesNotContain(bobLog.All, e => e is ResyncEvent);
    }
}
