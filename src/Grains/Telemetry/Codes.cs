using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Grains.Telemetry;

/// <summary>
/// Tag values for the metrics: the contract's error codes and event names, as constant strings
/// so tagging a measurement allocates nothing. (The HTTP mapping is the front's <c>Problems</c>.)
/// </summary>
internal static class Codes
{
    public const string Ok = "ok";

    public static string Of(MessageError error) => error switch
    {
        MessageError.None => Ok,
        MessageError.EmptyMessage => "empty_message",
        MessageError.MessageTooLong => "message_too_long",
        MessageError.NotFriends => "not_friends",
        MessageError.Blocked => "blocked",
        MessageError.RateLimited => "rate_limited",
        MessageError.ProRequired => "pro_required",
        MessageError.GreetingAlreadySent => "greeting_already_sent",
        MessageError.AlreadyFriends => "already_friends",
        MessageError.ConversationNotFound => "conversation_not_found",
        MessageError.MessageNotFound => "message_not_found",
        MessageError.InvalidRecipient or MessageError.InvalidContent => "validation_failed",
        _ => "error",
    };

    public static string Of(FriendError error) => error switch
    {
        FriendError.None => Ok,
        FriendError.CannotFriendSelf => "cannot_friend_self",
        FriendError.Blocked => "blocked",
        FriendError.RequestAlreadySent => "request_already_sent",
        FriendError.AlreadyFriends => "already_friends",
        FriendError.FriendLimitReached => "friend_limit_reached",
        FriendError.NoPendingRequest => "no_pending_request",
        FriendError.NotFriends => "not_friends",
        FriendError.NotBlocked => "not_blocked",
        FriendError.RateLimited => "rate_limited",
        _ => "error",
    };

    public static string Of(UserEvent userEvent) => userEvent switch
    {
        NewMessageEvent => "new_message",
        ReadReceiptEvent => "read_receipt",
        TypingEvent => "typing",
        FriendRequestEvent => "friend_request",
        FriendAcceptedEvent => "friend_accepted",
        RelationshipChangedEvent => "relationship_changed",
        PositionMarkerEvent => "position_marker",
        Presence.PresenceChangedEvent => "presence_changed",
        _ => "other",
    };
}
