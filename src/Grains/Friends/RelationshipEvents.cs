using Social.Grains.Realtime;

namespace Social.Grains.Friends;

/// <summary>
/// What one user's clients are told when their view of a pair changes. The rule that matters:
/// a user who is blocked never learns it was a block; to them it reads as the friendship ending
/// or the request going away, exactly as an unfriend, a cancel or a rejection would.
/// </summary>
public static class RelationshipEvents
{
    public static IEnumerable<UserEvent> For(string peerId, PeerView before, PeerView after, FriendChange change)
    {
        if (after.IBlocked && !before.IBlocked)
        {
            yield return new RelationshipChangedEvent(RelationshipChange.Blocked, peerId);
            yield break;
        }

        if (!after.IBlocked && before.IBlocked)
        {
            yield return new RelationshipChangedEvent(RelationshipChange.Unblocked, peerId);
            yield break;
        }

        if (after.Status == before.Status)
        {
            yield break;
        }

        switch (after.Status)
        {
            case PeerStatus.Friends:
                yield return new FriendAcceptedEvent(peerId);
                yield break;
            case PeerStatus.PendingIncoming:
                yield return new FriendRequestEvent(peerId, after.Since);
                yield break;
            case PeerStatus.PendingOutgoing:
                yield break; // the sender's own action; its reply said so
        }

        // Back to none: say what ended, as the user is allowed to see it.
        yield return before.Status switch
        {
            PeerStatus.Friends => new RelationshipChangedEvent(RelationshipChange.FriendRemoved, peerId),
            PeerStatus.PendingOutgoing when change == FriendChange.Cancelled => new RelationshipChangedEvent(RelationshipChange.RequestCancelled, peerId),
            PeerStatus.PendingOutgoing => new RelationshipChangedEvent(RelationshipChange.RequestRejected, peerId),
            _ when change == FriendChange.Rejected => new RelationshipChangedEvent(RelationshipChange.RequestRejected, peerId),
            _ => new RelationshipChangedEvent(RelationshipChange.RequestCancelled, peerId),
        };
    }
}
