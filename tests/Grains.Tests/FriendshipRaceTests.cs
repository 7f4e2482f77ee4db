using Social.Grains.Friends;

namespace Social.Grains.Tests;

[Collection(SharedClusterDefinition.Name)]
public sealed class FriendshipRaceTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Two_hundred_simultaneous_cross_requests_all_end_as_friends_on_both_sides()
    {
        var pairs = Enumerable.Range(0, 200).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();

        // Both users of every pair ask each other at the same moment; 400 calls in flight.
        var calls = pairs.SelectMany(pair => new[]
        {
            _grains.GetFriendship(pair.A, pair.B).Request(pair.A),
            _grains.GetFriendship(pair.B, pair.A).Request(pair.B),
        });
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(results, result => Assert.True(result.Succeeded, result.Error.ToString()));
        foreach (var (a, b) in pairs)
        {
            var fromA = await _grains.GetUser(a).GetRelationship(b);
            var fromB = await _grains.GetUser(b).GetRelationship(a);
            Assert.Equal(PeerStatus.Friends, fromA.Status);
            Assert.Equal(PeerStatus.Friends, fromB.Status);
            Assert.Equal(PeerStatus.Friends, (await _grains.GetFriendship(a, b).GetView(a)).Status);
        }
    }

    [Fact]
    public async Task Simultaneous_block_and_accept_leave_both_sides_in_agreement()
    {
        var pairs = Enumerable.Range(0, 50).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();
        foreach (var (a, b) in pairs)
        {
            await _grains.GetFriendship(a, b).Request(a);
        }

        await Task.WhenAll(pairs.SelectMany(pair => new Task[]
        {
            _grains.GetFriendship(pair.A, pair.B).Accept(pair.B),
            _grains.GetFriendship(pair.A, pair.B).Block(pair.A),
        }));

        foreach (var (a, b) in pairs)
        {
            var truthForA = await _grains.GetFriendship(a, b).GetView(a);
            Assert.Equal(PeerStatus.None, truthForA.Status);
            Assert.Equal(truthForA, await _grains.GetUser(a).GetRelationship(b));
            Assert.Equal(await _grains.GetFriendship(a, b).GetView(b), await _grains.GetUser(b).GetRelationship(a));
        }
    }
}
