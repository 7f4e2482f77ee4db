using Social.Grains.Groups;
using Social.Grains.Messages;
using Social.Grains.Realtime;
using Social.Grains.Users;

namespace Social.Grains.Tests.Groups;

/// <summary>Users, friendships and groups on the shared test cluster, and waits on conditions.</summary>
internal sealed class GroupWorld(IGrainFactory grains)
{
    public IGrainFactory Grains => grains;

    /// <summary>A PRO user (5 friends on the test cluster) and that many fresh friends.</summary>
    public async Task<(string Owner, string[] Friends)> OwnerWithFriendsAsync(int friends)
    {
        var owner = TestUsers.NewId("owner");
        await grains.GetUser(owner).SetPlan(Plan.Pro);
        var ids = new string[friends];
        for (var i = 0; i < friends; i++)
        {
            ids[i] = TestUsers.NewId($"m{i}");
            await MakeFriendsAsync(owner, ids[i]);
        }

        return (owner, ids);
    }

    public async Task MakeFriendsAsync(string a, string b)
    {
        await grains.GetFriendship(a, b).Request(a);
        await grains.GetFriendship(a, b).Accept(b);
    }

    public async Task<GroupView> CreateAsync(string owner, params string[] members)
    {
        var result = await grains.GetGroup(GroupIds.New()).Create(new CreateGroupCommand(owner, "Team", members));
        Assert.Equal(GroupError.None, result.Error);
        return result.Group!;
    }

    public Task<GroupSendResult> SendAsync(string groupId, string sender, string content, string? clientId = null) =>
        grains.GetGroup(groupId).Send(new GroupSendCommand(sender, content, clientId));

    /// <summary>Everything the member may read, oldest first.</summary>
    public async Task<IReadOnlyList<GroupMessage>> HistoryAsync(string groupId, string userId)
    {
        var page = await grains.GetGroup(groupId).GetHistory(userId, null, 0, 100);
        Assert.NotNull(page);
        Assert.False(page.HasMore);
        return page.Items;
    }

    /// <summary>The group messages the user's grain numbered for the user's clients (its recent buffer).</summary>
    public async Task<IReadOnlyList<GroupMessage>> DeliveredAsync(string userId, string groupId)
    {
        var replay = await grains.GetUser(userId).GetEventsAfter(EventPosition.None);
        return replay.Events
            .Select(e => e.Event)
            .OfType<GroupMessageEvent>()
            .Select(e => e.Message)
            .Where(m => m.ConversationId == groupId)
            .ToList();
    }

    /// <summary>Reads until <paramref name="done"/> holds (the shared <see cref="Eventually"/>), and returns that value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        T value = default!;
        await Eventually.WaitUntilAsync(async () => done(value = await read()), what);
        return value;
    }

    /// <summary>Membership at a seq, from the system messages alone (join and leave seqs inclusive).</summary>
    public static bool IsMemberAt(IReadOnlyList<GroupMessage> log, string userId, long seq)
    {
        var member = false;
        foreach (var change in log.TakeWhile(m => m.Seq <= seq))
        {
            var system = change.System!;
            if (!system.UserIds.Contains(userId))
            {
                continue;
            }

            if (system.Type is GroupChangeTypes.Created or GroupChangeTypes.MemberAdded)
            {
                member = true;
            }
            else if (system.Type is GroupChangeTypes.MemberRemoved or GroupChangeTypes.MemberLeft)
            {
                // The removal itself is the last message the member sees.
                member = change.Seq == seq;
            }
        }

        return member;
    }
}
