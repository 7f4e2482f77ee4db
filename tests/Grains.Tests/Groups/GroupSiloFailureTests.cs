using Social.Grains.Groups;
using Social.Grains.Users;
using Xunit.Abstractions;

namespace Social.Grains.Tests.Groups;

/// <summary>
/// A group on PostgreSQL whose silo is killed while sends and membership changes are in flight:
/// callers retry what failed, and afterwards the seq is gap-free, no message is stored twice, and
/// every member's history matches the membership the system messages record.
/// </summary>
public sealed class GroupSiloFailureTests(ITestOutputHelper output)
{

    [Fact]
    public async Task Sends_adds_and_removes_retried_across_a_killed_silo_leave_the_group_consistent()
    {
        await KilledSilos.RunAsync("group_silo_failure", async cluster =>
        {
            var grains = cluster.GrainFactory;
            var world = new GroupWorld(grains);
            var owner = TestUsers.NewId("owner");
            await grains.GetUser(owner).SetPlan(Plan.Pro);
            var members = Enumerable.Range(0, 5).Select(i => TestUsers.NewId($"m{i}")).ToArray();
            foreach (var member in members)
            {
                await world.MakeFriendsAsync(owner, member);
            }

            var id = (await world.CreateAsync(owner, members[0], members[1], members[2])).ConversationId;
            var group = grains.GetGroup(id);
            var someSent = new TaskCompletionSource();
            var sent = 0;
            var failures = 0;
            var sending = new[] { owner, members[0], members[1] }.Select(sender => Task.Run(async () =>
            {
                for (var i = 0; i < 15; i++)
                {
                    var command = new GroupSendCommand(sender, $"{sender} {i}", $"c{i}");
                    Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => group.Send(command), r => r.Message is not null));
                    if (Interlocked.Increment(ref sent) == 10)
                    {
                        someSent.TrySetResult();
                    }
                }
            })).ToList();
            var changing = Task.Run(async () =>
            {
                await someSent.Task;
                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => group.AddMember(owner, members[3]), r => r.Error is GroupError.None or GroupError.AlreadyMember));
                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => group.RemoveMember(owner, members[2]), r => r.Error is GroupError.None or GroupError.NotMember));
                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => group.AddMember(owner, members[4]), r => r.Error is GroupError.None or GroupError.AlreadyMember));
            });

            await someSent.Task.WaitAsync(KilledSilos.RetryFor);
            var victim = cluster.SecondarySilos[0];
            output.WriteLine($"killing {victim.SiloAddress} after {Volatile.Read(ref sent)} sends");
            await cluster.KillSiloAsync(victim);
            await Task.WhenAll(sending);
            await changing;
            output.WriteLine($"{failures} calls failed and were retried");

            var all = await world.HistoryAsync(id, owner);
            Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(m => m.Seq));
            var userMessages = all.Where(m => m.System is null).ToList();
            Assert.Equal(45, userMessages.Count);
            Assert.Equal(45, userMessages.Select(m => (m.SenderId, m.ClientMessageId)).Distinct().Count());

            var view = (await group.Get(owner)).Group!;
            Assert.Equal([owner, members[0], members[1], members[3], members[4]], view.Members.Select(m => m.UserId));
            var log = all.Where(m => m.System is not null).ToList();
            foreach (var user in new[] { owner }.Concat(members))
            {
                var expected = all.Where(m => GroupWorld.IsMemberAt(log, user, m.Seq)).Select(m => m.Seq);
                Assert.Equal(expected, (await world.HistoryAsync(id, user)).Select(m => m.Seq));
            }

            // Read cursors and "delete for me" are in PostgreSQL too.
            var last = all[^1];
            Assert.Equal(last.Seq, (await group.MarkRead(members[0], null))!.LastReadSeq);
            Assert.Equal(Social.Grains.Messages.MessageError.None, await group.Hide(members[1], userMessages[0].MessageId));
            Assert.DoesNotContain(await world.HistoryAsync(id, members[1]), m => m.Seq == userMessages[0].Seq);
            Assert.Contains((await group.GetHistory(owner, null, null, 10))!.ReadBy, cursor => cursor.UserId == members[0] && cursor.LastReadSeq == last.Seq);
        });
    }
}
