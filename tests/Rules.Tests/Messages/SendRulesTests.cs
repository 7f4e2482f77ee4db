using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.Users;

namespace Social.Rules.Tests.Messages;

public sealed class SendRulesTests
{
    private static PeerView View(PeerStatus status, bool iBlocked = false, bool blockedMe = false) =>
        new(status, iBlocked, blockedMe, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Nothing_crosses_a_block_whichever_side_blocked(bool iBlocked, bool blockedMe)
    {
        foreach (var status in Enum.GetValues<PeerStatus>())
        {
            var view = View(status, iBlocked, blockedMe);
            Assert.Equal(MessageError.Blocked, SendRules.Check(view, isGreeting: false, Plan.Pro));
            Assert.Equal(MessageError.Blocked, SendRules.Check(view, isGreeting: true, Plan.Pro));
        }
    }

    [Theory]
    [InlineData(PeerStatus.None)]
    [InlineData(PeerStatus.PendingIncoming)]
    [InlineData(PeerStatus.PendingOutgoing)]
    public void A_message_needs_a_friendship(PeerStatus status)
    {
        Assert.Equal(MessageError.NotFriends, SendRules.Check(View(status), isGreeting: false, Plan.Pro));
        Assert.Equal(MessageError.None, SendRules.Check(View(PeerStatus.Friends), isGreeting: false, Plan.Free));
    }

    [Theory]
    [InlineData(PeerStatus.None)]
    [InlineData(PeerStatus.PendingIncoming)]
    [InlineData(PeerStatus.PendingOutgoing)]
    public void A_greeting_to_a_stranger_needs_pro(PeerStatus status)
    {
        Assert.Equal(MessageError.ProRequired, SendRules.Check(View(status), isGreeting: true, Plan.Free));
        Assert.Equal(MessageError.None, SendRules.Check(View(status), isGreeting: true, Plan.Pro));
    }

    [Fact]
    public void Friends_send_messages_not_greetings()
    {
        Assert.True(SendRules.IsGreetingToFriend(View(PeerStatus.Friends)));
        Assert.Equal(MessageError.AlreadyFriends, SendRules.Check(View(PeerStatus.Friends), isGreeting: true, Plan.Pro));
        Assert.Equal(MessageError.AlreadyFriends, SendRules.Check(View(PeerStatus.Friends), isGreeting: true, Plan.Free));
    }
}
