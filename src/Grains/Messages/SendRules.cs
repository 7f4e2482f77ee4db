using Social.Grains.Friends;
using Social.Grains.Users;

namespace Social.Grains.Messages;

/// <summary>
/// Who may send to whom, before any rate limit: nothing crosses a block, whichever side blocked;
/// a message needs a friendship; a greeting (a first message to a stranger) needs a PRO plan and
/// is for strangers only: friends send messages. The sender's user grain applies it, since it
/// holds the sender's plan and view of the pair.
/// </summary>
public static class SendRules
{
    public static MessageError Check(PeerView view, bool isGreeting, Plan senderPlan)
    {
        if (view.IsBlockedEitherWay)
        {
            return MessageError.Blocked;
        }

        if (!isGreeting)
        {
            return view.Status == PeerStatus.Friends ? MessageError.None : MessageError.NotFriends;
        }

        if (IsGreetingToFriend(view))
        {
            return MessageError.AlreadyFriends;
        }

        return senderPlan == Plan.Pro ? MessageError.None : MessageError.ProRequired;
    }

    /// <summary>True when a greeting would go to someone the sender is already friends with.</summary>
    public static bool IsGreetingToFriend(PeerView view) => view.Status == PeerStatus.Friends;
}
