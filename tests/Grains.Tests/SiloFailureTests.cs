using Social.Grains.Friends;
using Social.Grains.Messages;
using Xunit.Abstractions;

namespace Social.Grains.Tests;

/// <summary>
/// A silo killed (no graceful shutdown) while friend operations and sends are in flight: callers
/// retry what failed, as clients do, and every rule still holds afterwards.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output)
{
    private const int Pairs = 60;

    [Fact]
    public async Task Friend_operations_and_sends_retried_across_a_killed_silo_converge()
    {
        await KilledSilos.RunAsync("silo_failure", async cluster =>
        {
            var grains = cluster.GrainFactory;
            var pairs = Enumerable.Range(0, Pairs).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();

            // Requests and accepts run while the secondary silo is killed under them.
            var failures = 0;
            var someDone = new TaskCompletionSource();
            var done = 0;
            var befriending = pairs.Select(pair => Task.Run(async () =>
            {
                var friendship = grains.GetFriendship(pair.A, pair.B);
                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => friendship.Request(pair.A), r => r.Succeeded || r.Error == FriendError.RequestAlreadySent));
                if (Interlocked.Increment(ref done) == Pairs / 4)
                {
                    someDone.TrySetResult();
                }

                Interlocked.Add(ref failures, await KilledSilos.RetryAsync(() => friendship.Accept(pair.B), r => r.Succeeded));
            })).ToList();

            await someDone.Task.WaitAsync(KilledSilos.RetryFor);
            var victim = cluster.SecondarySilos[0];
            output.WriteLine($"killing {victim.SiloAddress} after {Volatile.Read(ref done)} requests");
            await cluster.KillSiloAsync(victim);
            await Task.WhenAll(befriending);
            output.WriteLine($"{failures} friend calls failed and were retried");

            foreach (var (a, b) in pairs)
            {
                Assert.Equal(PeerStatus.Friends, (await KilledSilos.ReadAsync(() => grains.GetUser(a).GetRelationship(b))).Status);
                Assert.Equal(PeerStatus.Friends, (await KilledSilos.ReadAsync(() => grains.GetUser(b).GetRelationship(a))).Status);
                Assert.Equal(1, (await KilledSilos.ReadAsync(() => grains.GetUser(a).GetSummary())).FriendCount);
                Assert.Equal(1, (await KilledSilos.ReadAsync(() => grains.GetUser(b).GetSummary())).FriendCount);
            }

            // Sends with client ids while the other original silo is killed too (a fresh one joins
            // first): a retried send either stored nothing or returns the first message, never a copy.
            var joined = await cluster.StartAdditionalSiloAsync();
            var sendFailures = 0;
            var sent = 0;
            var someSent = new TaskCompletionSource();
            var sending = pairs.Take(10).Select(pair => Task.Run(async () =>
            {
                var conversation = grains.GetDirectConversation(pair.A, pair.B);
                for (var i = 0; i < 20; i++)
                {
                    var command = new SendMessageCommand(i % 2 == 0 ? pair.A : pair.B, i % 2 == 0 ? pair.B : pair.A, $"m{i}", $"c{i}");
                    Interlocked.Add(ref sendFailures, await KilledSilos.RetryAsync(() => conversation.Send(command), r => r.Error == MessageError.None));
                    if (Interlocked.Increment(ref sent) == 50)
                    {
                        someSent.TrySetResult();
                    }
                }
            })).ToList();
            await someSent.Task.WaitAsync(KilledSilos.RetryFor);
            var original = cluster.Silos.First(silo => silo != joined);
            output.WriteLine($"killing {original.SiloAddress} after {Volatile.Read(ref sent)} sends");
            await cluster.KillSiloAsync(original);
            await Task.WhenAll(sending);
            output.WriteLine($"{sendFailures} sends failed and were retried");

            foreach (var (a, b) in pairs.Take(10))
            {
                var history = await KilledSilos.ReadAsync(() => grains.GetDirectConversation(a, b).GetHistory(a, null, null, 100));
                Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), history!.Items.Select(m => m.Seq));
                Assert.Equal(20, history.Items.Select(m => m.ClientMessageId).Distinct().Count());
            }
        });
    }
}
