using Social.Grains.Friends;
using Social.Grains.Groups;
using Social.Grains.Messages;

namespace Social.Grains.Tests;

/// <summary>
/// Grains for things that do not exist (a conversation, a friendship, a group) leave memory soon,
/// but a burst of calls for one of them must all be answered "not found", never rejected: an
/// activation that closes after each call would forward the calls queued behind it again and
/// again until Orleans gives up (the front would answer 503).
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class MissingGrainBurstTests(ClusterFixture fixture)
{
    private const int Burst = 300;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_burst_of_reads_of_a_missing_conversation_is_answered_not_found()
    {
        var conversation = _grains.GetConversation(ConversationIds.Direct(TestUsers.NewId("a"), TestUsers.NewId("b")));
        var reader = TestUsers.NewId("reader");

        var pages = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => conversation.GetHistory(reader, null, null, 20))).WaitAsync(Deadline);

        Assert.All(pages, Assert.Null);
    }

    [Fact]
    public async Task A_missing_conversation_leaves_memory_once_calls_for_it_stop()
    {
        var conversation = _grains.GetConversation(ConversationIds.Direct(TestUsers.NewId("a"), TestUsers.NewId("b")));
        var management = _grains.GetGrain<IManagementGrain>(0);
        Assert.Null(await conversation.GetHistory(TestUsers.NewId("reader"), null, null, 20));
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)conversation));

        // Closed within a few quiet periods (the check runs on a timer of the same period).
        var deadline = DateTime.UtcNow + Deadline;
        while (await management.GetGrainActivationCount((GrainReference)conversation) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The missing conversation's activation was never closed.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_burst_of_accepts_without_a_request_is_refused_each_time()
    {
        var (a, b) = (TestUsers.NewId("a"), TestUsers.NewId("b"));
        var friendship = _grains.GetFriendship(a, b);

        var results = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => friendship.Accept(b))).WaitAsync(Deadline);

        Assert.All(results, result => Assert.False(result.Succeeded));
        Assert.Single(results.Select(result => result.Error).Distinct());
        Assert.Equal(PeerStatus.None, (await friendship.GetView(a)).Status);
    }

    [Fact]
    public async Task A_burst_of_lookups_of_a_missing_group_is_answered_not_found()
    {
        var group = _grains.GetGroup(GroupIds.New());
        var user = TestUsers.NewId("user");

        var results = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => group.Get(user))).WaitAsync(Deadline);

        Assert.All(results, result => Assert.Equal(GroupError.GroupNotFound, result.Error));
    }
}
