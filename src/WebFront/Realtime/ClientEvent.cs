using Social.Grains.Groups;
using Social.Grains.Presence;
using Social.Grains.Realtime;
using Social.Storage.Accounts;

namespace Social.WebFront.Realtime;

/// <summary>An event as clients see it: the contract's name and its payload.</summary>
public sealed record ClientEvent(string Name, object Payload)
{
    /// <summary>Turns a stream event into the contract's shape, adding public profiles where the contract shows them.</summary>
    public static async Task<ClientEvent?> FromAsync(UserEvent userEvent, IUserDirectory directory)
    {
        switch (userEvent)
        {
            case NewMessageEvent e:
                return new ClientEvent("new_message", e.Message);
            case GroupMessageEvent e:
                return new ClientEvent("new_message", e.Message);
            case GroupReadEvent e:
                return new ClientEvent("group_read", new GroupReadPayload(e.ConversationId, e.Readers.Select(r => new GroupReaderPayload(r.UserId, r.LastReadSeq)).ToList()));
            case ReadReceiptEvent e:
                return new ClientEvent("read_receipt", new ReadReceiptPayload(e.ConversationId, e.ReaderId, e.LastReadSeq, e.ReadAt));
            case TypingEvent e:
                return new ClientEvent("typing", new TypingPayload(e.ConversationId, e.UserId));
            case FriendRequestEvent e:
                var from = await directory.FindByIdAsync(e.FromUserId);
                return from is null ? null : new ClientEvent("friend_request", new FriendRequestPayload(from.UserId, from.Username, from.DisplayName, e.CreatedAt));
            case FriendAcceptedEvent e:
                var friend = await directory.FindByIdAsync(e.UserId);
                return friend is null ? null : new ClientEvent("friend_accepted", new FriendAcceptedPayload(friend.UserId, friend.Username, friend.DisplayName));
            case RelationshipChangedEvent e:
                return new ClientEvent(NameOf(e.Change), new RelationshipPayload(e.UserId));
            case PresenceChangedEvent e:
                return new ClientEvent("presence_changed", new PresenceChangedPayload(e.UserId, e.Presence.ContractStatus, e.Presence.LastSeenAt));
            default:
                return null;
        }
    }

    /// <summary>The event names the project adds for relationship changes (docs/api.md).</summary>
    public static string NameOf(RelationshipChange change) => change switch
    {
        RelationshipChange.RequestCancelled => "friend_request_cancelled",
        RelationshipChange.RequestRejected => "friend_request_rejected",
        RelationshipChange.FriendRemoved => "friend_removed",
        RelationshipChange.Blocked => "user_blocked",
        RelationshipChange.Unblocked => "user_unblocked",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
    };
}
