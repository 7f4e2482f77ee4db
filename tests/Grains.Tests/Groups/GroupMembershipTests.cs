using Social.Grains.Groups;
using Social.Grains.Messages;

namespace Social.Grains.Tests.Groups;

[Collection(SharedClusterDefinition.Name)]
public sealed class GroupMembershipTests(ClusterFixture fixture)
{
    private readonly GroupWorld _world = new(fixture.Grains);
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Creator_is_owner_and_creation_is_the_first_system_message()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(2);

        var group = await _world.CreateAsync(owner, friends[0], friends[1], friends[0], owner);

        Assert.Equal(owner, group.OwnerId);
        Assert.Equal([owner, friends[0], friends[1]], group.Members.Select(m => m.UserId));
        Assert.Equal([GroupRole.Owner, GroupRole.Member, GroupRole.Member], group.Members.Select(m => m.Role));
        var history = await _world.HistoryAsync(group.ConversationId, friends[1]);
        var created = Assert.Single(history);
        Assert.Equal(1, created.Seq);
        Assert.Equal(GroupChangeTypes.Created, created.System!.Type);
        Assert.Equal("Team", created.System.Name);
    }

    [Fact]
    public async Task Only_friends_of_the_creator_can_be_initial_members_and_names_are_checked()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(1);
        var stranger = TestUsers.NewId("stranger");
        var group = _grains.GetGroup(GroupIds.New());

        Assert.Equal(GroupError.NotFriends, (await group.Create(new CreateGroupCommand(owner, "Team", [friends[0], stranger]))).Error);
        Assert.Equal(GroupError.InvalidName, (await group.Create(new CreateGroupCommand(owner, " \u200b ", [friends[0]]))).Error);
        Assert.Equal(GroupError.InvalidName, (await group.Create(new CreateGroupCommand(owner, new string('x', 101), [friends[0]]))).Error);
        Assert.Equal(GroupError.GroupNotFound, (await group.Get(owner)).Error);
    }

    [Fact]
    public async Task Adder_must_be_admin_and_friend_of_the_added_user_and_not_blocked()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(4);
        var (member, admin, ownersFriend, blocker) = (friends[0], friends[1], friends[2], friends[3]);
        var group = await _world.CreateAsync(owner, member, admin);
        var grain = _grains.GetGroup(group.ConversationId);
        var adminsFriend = TestUsers.NewId("af");
        await _world.MakeFriendsAsync(admin, adminsFriend);
        await _world.MakeFriendsAsync(member, adminsFriend);

        // A plain member may not add, even a friend.
        Assert.Equal(GroupError.NotGroupAdmin, (await grain.AddMember(member, adminsFriend)).Error);
        Assert.Equal(GroupError.None, (await grain.SetRole(owner, admin, GroupRole.Admin)).Error);

        // An admin adds their own friends, not the owner's.
        Assert.Equal(GroupError.NotFriends, (await grain.AddMember(admin, ownersFriend)).Error);
        Assert.Equal(GroupError.None, (await grain.AddMember(admin, adminsFriend)).Error);
        Assert.Equal(GroupError.AlreadyMember, (await grain.AddMember(owner, member)).Error);

        // Either side of a block: not by the blocked adder.
        await _grains.GetFriendship(owner, blocker).Block(blocker);
        Assert.Equal(GroupError.Blocked, (await grain.AddMember(owner, blocker)).Error);

        var added = (await _world.HistoryAsync(group.ConversationId, owner))[^1];
        Assert.Equal(GroupChangeTypes.MemberAdded, added.System!.Type);
        Assert.Equal(admin, added.SenderId);
        Assert.Equal([adminsFriend], added.System.UserIds);
    }

    [Fact]
    public async Task A_group_holds_at_most_the_configured_members()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(5);
        var group = await _world.CreateAsync(owner, friends);
        Assert.Equal(ClusterFixture.MaxGroupMembers, group.Members.Count);
        var extra = TestUsers.NewId("extra");
        await _world.MakeFriendsAsync(friends[0], extra);
        var grain = _grains.GetGroup(group.ConversationId);
        await grain.SetRole(owner, friends[0], GroupRole.Admin);

        Assert.Equal(GroupError.GroupFull, (await grain.AddMember(friends[0], extra)).Error);

        // Room again after someone leaves.
        Assert.Equal(GroupError.None, await grain.Leave(friends[4]));
        Assert.Equal(GroupError.None, (await grain.AddMember(friends[0], extra)).Error);
    }

    [Fact]
    public async Task Owner_removes_admins_admins_remove_only_members_and_nobody_removes_the_owner()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(4);
        var group = await _world.CreateAsync(owner, friends);
        var grain = _grains.GetGroup(group.ConversationId);
        await grain.SetRole(owner, friends[0], GroupRole.Admin);
        await grain.SetRole(owner, friends[1], GroupRole.Admin);

        Assert.Equal(GroupError.NotGroupAdmin, (await grain.RemoveMember(friends[2], friends[3])).Error);
        Assert.Equal(GroupError.NotGroupAdmin, (await grain.RemoveMember(friends[0], friends[1])).Error);
        Assert.Equal(GroupError.InvalidTarget, (await grain.RemoveMember(friends[0], owner)).Error);
        Assert.Equal(GroupError.NotGroupAdmin, (await grain.SetRole(friends[0], friends[1], GroupRole.Member)).Error);
        Assert.Equal(GroupError.None, (await grain.RemoveMember(friends[0], friends[3])).Error);
        Assert.Equal(GroupError.None, (await grain.RemoveMember(owner, friends[1])).Error);
        Assert.Equal(GroupError.NotMember, (await grain.RemoveMember(owner, friends[1])).Error);

        var view = (await grain.Get(owner)).Group!;
        Assert.Equal([owner, friends[0], friends[2]], view.Members.Select(m => m.UserId));
        Assert.Equal(GroupError.GroupNotFound, (await grain.Get(friends[3])).Error);
    }

    [Fact]
    public async Task Ownership_is_handed_over_or_passes_to_the_oldest_admin_then_the_oldest_member()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(3);
        var group = await _world.CreateAsync(owner, friends);
        var grain = _grains.GetGroup(group.ConversationId);

        // Hand-over: the old owner stays as an admin.
        Assert.Equal(GroupError.NotGroupAdmin, (await grain.TransferOwnership(friends[0], friends[1])).Error);
        var handed = (await grain.TransferOwnership(owner, friends[0])).Group!;
        Assert.Equal(friends[0], handed.OwnerId);
        Assert.Equal(GroupRole.Admin, handed.Members.Single(m => m.UserId == owner).Role);

        // The owner leaves: the oldest admin (the first owner) takes over, though friends[1] joined at the same time.
        await grain.SetRole(friends[0], friends[2], GroupRole.Admin);
        Assert.Equal(GroupError.None, await grain.Leave(friends[0]));
        Assert.Equal(owner, (await grain.Get(owner)).Group!.OwnerId);

        // No admin left: the oldest member.
        await grain.SetRole(owner, friends[2], GroupRole.Member);
        Assert.Equal(GroupError.None, await grain.Leave(owner));
        var last = (await grain.Get(friends[1])).Group!;
        Assert.Equal(friends[1], last.OwnerId);

        var changes = (await _world.HistoryAsync(group.ConversationId, friends[1])).Select(m => m.System?.Type).ToList();
        Assert.Equal(
            [GroupChangeTypes.Created, GroupChangeTypes.OwnerChanged, GroupChangeTypes.RoleChanged, GroupChangeTypes.MemberLeft,
             GroupChangeTypes.OwnerChanged, GroupChangeTypes.RoleChanged, GroupChangeTypes.MemberLeft, GroupChangeTypes.OwnerChanged],
            changes);
    }

    [Fact]
    public async Task Rename_is_for_admins_and_shows_in_the_history_and_lists()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(1);
        var group = await _world.CreateAsync(owner, friends[0]);
        var grain = _grains.GetGroup(group.ConversationId);

        Assert.Equal(GroupError.NotGroupAdmin, (await grain.Rename(friends[0], "Mine")).Error);
        Assert.Equal(GroupError.InvalidName, (await grain.Rename(owner, "")).Error);
        Assert.Equal("Weekend 🏕", (await grain.Rename(owner, "  Weekend 🏕 ")).Group!.Name);

        var renamed = (await _world.HistoryAsync(group.ConversationId, friends[0]))[^1];
        Assert.Equal(GroupChangeTypes.Renamed, renamed.System!.Type);
        var list = await GroupWorld.EventuallyAsync(
            () => _grains.GetUserGroups(friends[0]).List(20, null, "weekend"),
            page => page.Items.Count == 1 && page.Items[0].Activity.LastSeq == renamed.Seq,
            "the renamed group in the member's list");
        Assert.Equal("Weekend 🏕", list.Items[0].Name);
    }

    [Fact]
    public async Task New_members_see_history_from_their_join_and_removed_members_keep_only_what_they_saw()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(2);
        var (early, late) = (friends[0], friends[1]);
        var group = await _world.CreateAsync(owner, early);
        var id = group.ConversationId;
        var grain = _grains.GetGroup(id);

        await _world.SendAsync(id, owner, "before the join");
        var added = (await grain.AddMember(owner, late)).Group!.LastSeq;
        await _world.SendAsync(id, late, "hello all");
        var removed = (await grain.RemoveMember(owner, early)).Group!.LastSeq;
        await _world.SendAsync(id, owner, "after the removal");

        Assert.Equal([added, added + 1, removed, removed + 1], (await _world.HistoryAsync(id, late)).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, (int)removed).Select(i => (long)i), (await _world.HistoryAsync(id, early)).Select(m => m.Seq));

        // The removed member can no longer act in the group, nor read what came after.
        Assert.Equal(GroupError.GroupNotFound, (await _world.SendAsync(id, early, "still here?")).Error);
        Assert.Null(await grain.MarkRead(early, null));
        Assert.False(await grain.Typing(early));
        var page = await grain.GetHistory(early, null, removed, 50);
        Assert.Empty(page!.Items);
        Assert.Null(await grain.GetHistory(TestUsers.NewId("never"), null, null, 50));

        // Their list keeps the group, as it was at the removal.
        var entry = await GroupWorld.EventuallyAsync(
            () => _grains.GetUserGroups(early).List(20, null, null),
            list => list.Items.Count == 1 && list.Items[0].Activity.LastSeq == removed,
            "the removed member's entry");
        Assert.False(entry.Items[0].IsMember);
    }

    [Fact]
    public async Task Group_messages_follow_the_message_rules()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(1);
        var id = (await _world.CreateAsync(owner, friends[0])).ConversationId;

        Assert.Equal(MessageError.EmptyMessage, (await _world.SendAsync(id, owner, " \u200b")).MessageError);
        Assert.Equal(MessageError.MessageTooLong, (await _world.SendAsync(id, owner, new string('x', 2001))).MessageError);
        Assert.Equal(MessageError.None, (await _world.SendAsync(id, owner, string.Concat(Enumerable.Repeat("😀", 2000)))).MessageError);

        var first = await _world.SendAsync(id, friends[0], "once", "c-1");
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _world.SendAsync(id, friends[0], "once", "c-1")));
        Assert.All(retries, retry => Assert.True(retry.Duplicate));
        Assert.All(retries, retry => Assert.Equal(first.Message, retry.Message));
        Assert.False((await _world.SendAsync(id, owner, "mine", "c-1")).Duplicate);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long)i), (await _world.HistoryAsync(id, owner)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Read_cursors_are_per_member_and_seen_by_counts_them()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(3);
        var id = (await _world.CreateAsync(owner, friends)).ConversationId;
        var grain = _grains.GetGroup(id);
        var sent = (await _world.SendAsync(id, owner, "who saw this?")).Message!;
        await _world.SendAsync(id, owner, "and this?");

        Assert.Equal(new ReadState(id, sent.Seq, 1), await grain.MarkRead(friends[0], sent.Seq));
        Assert.Equal(new ReadState(id, sent.Seq + 1, 0), await grain.MarkRead(friends[1], null));

        var readBy = (await grain.GetHistory(owner, null, null, 50))!.ReadBy;
        Assert.Equal(2, readBy.Count(cursor => cursor.UserId != owner && cursor.LastReadSeq >= sent.Seq));
        Assert.Equal(1, readBy.Count(cursor => cursor.UserId != owner && cursor.LastReadSeq >= sent.Seq + 1));

        var unread = await GroupWorld.EventuallyAsync(
            () => _grains.GetUserGroups(friends[2]).GetUnread(), u => u.TotalUnread == 2, "two unread for the third member");
        Assert.Equal(1, unread.Conversations);
        Assert.Equal(0, (await _grains.GetUserGroups(friends[1]).GetUnread()).TotalUnread);
    }

    [Fact]
    public async Task Hiding_a_group_message_hides_it_only_for_that_member()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(1);
        var id = (await _world.CreateAsync(owner, friends[0])).ConversationId;
        var grain = _grains.GetGroup(id);
        var message = (await _world.SendAsync(id, owner, "oops")).Message!;

        Assert.Equal(MessageError.None, await grain.Hide(friends[0], message.MessageId));
        Assert.Equal(MessageError.MessageNotFound, await grain.Hide(friends[0], id + "-99"));
        Assert.Equal(MessageError.ConversationNotFound, await grain.Hide(TestUsers.NewId("x"), message.MessageId));

        Assert.DoesNotContain(await _world.HistoryAsync(id, friends[0]), m => m.Seq == message.Seq);
        Assert.Contains(await _world.HistoryAsync(id, owner), m => m.Seq == message.Seq);
    }
}
