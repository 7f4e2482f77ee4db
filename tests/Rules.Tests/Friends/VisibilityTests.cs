using Social.Grains.Friends;

namespace Social.Rules.Tests.Friends;

public sealed class VisibilityTests
{
    private static PeerView View(PeerStatus status = PeerStatus.None, bool iBlocked = false, bool blockedMe = false) =>
        new(status, iBlocked, blockedMe, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Someone_who_blocked_the_caller_is_hidden()
    {
        Assert.True(Visibility.IsHidden(View(blockedMe: true)));
        Assert.False(Visibility.IsHidden(View()));
        Assert.False(Visibility.IsHidden(View(PeerStatus.Friends)));
    }

    [Fact]
    public void The_blocker_still_sees_the_user_they_blocked_as_blocked_to_unblock_them()
    {
        Assert.False(Visibility.IsHidden(View(iBlocked: true)));
        Assert.False(Visibility.IsHidden(View(iBlocked: true, blockedMe: true)));
        Assert.Equal("blocked", View(iBlocked: true, blockedMe: true).ContractRelationship);
    }

    [Fact]
    public void Search_hides_the_caller_and_both_sides_of_their_blocks()
    {
        var hidden = Visibility.HiddenFromSearch("me", ["blocked-by-me", "blocked-me"]);

        Assert.Equal(["blocked-by-me", "blocked-me", "me"], hidden.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(PeerStatus.None, "none")]
    [InlineData(PeerStatus.Friends, "friends")]
    [InlineData(PeerStatus.PendingIncoming, "pending_incoming")]
    [InlineData(PeerStatus.PendingOutgoing, "pending_outgoing")]
    public void Search_results_carry_the_contract_relationship(PeerStatus status, string expected) =>
        Assert.Equal(expected, Visibility.SearchRelationship(View(status)));
}
