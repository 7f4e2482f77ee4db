using Social.Grains.Groups;

namespace Social.Grains.Tests.Groups;

/// <summary>
/// Adds, removes, leaves and sends racing each other: every member's history and every member's
/// delivered events hold exactly the messages between their join and their leave.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class GroupRaceTests(ClusterFixture fixture)
{
    private readonly GroupWorld _world = new(fixture.Grains);
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Racing_adds_removes_and_sends_leave_every_members_view_consistent()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(5);
        var (a, b, c, d, e) = (friends[0], friends[1], friends[2], friends[3], friends[4]);
        var id = (await _world.CreateAsync(owner, a, b, c)).ConversationId;
        var grain = _grains.GetGroup(id);

        var senders = new[] { owner, a, b, c, d }.Select(sender => Task.Run(async () =>
        {
            var results = new List<GroupSendResult>();
            for (var i = 0; i < 25; i++)
            {
                results.Add(await _world.SendAsync(id, sender, $"{sender} {i}", $"c{i}"));
            }

            return (Sender: sender, Results: results);
        })).ToList();
        var changes = Task.Run(async () =>
        {
            await grain.AddMember(owner, d);
            await grain.RemoveMember(owner, a);
            await grain.AddMember(owner, e);
            await grain.Leave(b);
            await grain.RemoveMember(owner, d);
        });

        var sent = await Task.WhenAll(senders);
        await changes;

        var all = await _world.HistoryAsync(id, owner);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(m => m.Seq));
        var log = all.Where(m => m.System is not null).ToList();

        foreach (var (sender, results) in sent)
        {
            // A send either stored a message while the sender was a member, or was refused as not a member.
            foreach (var result in results)
            {
                if (result.Message is { } message)
                {
                    Assert.Contains(all, m => m.MessageId == message.MessageId && m.Content == message.Content);
                    Assert.True(GroupWorld.IsMemberAt(log, sender, message.Seq), $"{sender} sent seq {message.Seq} while not a member");
                }
                else
                {
                    Assert.Equal(GroupError.GroupNotFound, result.Error);
                }
            }
        }

        foreach (var user in new[] { owner, a, b, c, d, e })
        {
            var expected = all.Where(m => GroupWorld.IsMemberAt(log, user, m.Seq)).Select(m => m.Seq).ToList();
            Assert.Equal(expected, (await _world.HistoryAsync(id, user)).Select(m => m.Seq));

            // The user's grain numbered exactly those for the user's clients.
            var delivered = await GroupWorld.EventuallyAsync(
                () => _world.DeliveredAsync(user, id),
                messages => messages.Count >= expected.Count,
                $"{user}'s events");
            Assert.Equal(expected, delivered.Select(m => m.Seq).Order());
        }
    }

    [Fact]
    public async Task Concurrent_adds_never_exceed_the_member_limit()
    {
        var (owner, friends) = await _world.OwnerWithFriendsAsync(5);
        var id = (await _world.CreateAsync(owner, friends[0], friends[1])).ConversationId;
        var grain = _grains.GetGroup(id);
        var admins = new[] { friends[0], friends[1] };
        var candidates = new List<(string Admin, string Candidate)>();
        foreach (var admin in admins)
        {
            await _grains.GetUser(admin).SetPlan(Users.Plan.Pro);
            await grain.SetRole(owner, admin, GroupRole.Admin);
            for (var i = 0; i < 3; i++)
            {
                var candidate = TestUsers.NewId($"n{i}");
                await _world.MakeFriendsAsync(admin, candidate);
                candidates.Add((admin, candidate));
            }
        }

        var results = await Task.WhenAll(candidates.Select(pair => grain.AddMember(pair.Admin, pair.Candidate)));

        Assert.Equal(ClusterFixture.MaxGroupMembers - 3, results.Count(r => r.Error == GroupError.None));
        Assert.All(results.Where(r => r.Error != GroupError.None), r => Assert.Equal(GroupError.GroupFull, r.Error));
        Assert.Equal(ClusterFixture.MaxGroupMembers, (await grain.Get(owner)).Group!.Members.Count);
    }
}
