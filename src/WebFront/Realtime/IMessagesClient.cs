using Social.Grains.Messages;

namespace Social.WebFront.Realtime;

// The contract fixes these event names, so the methods are named after them.
#pragma warning disable CA1707, IDE1006

/// <summary>What the hub can call on a client: the contract's server → client events.</summary>
public interface IMessagesClient
{
    Task new_message(Message message);

    Task read_receipt(ReadReceiptPayload receipt);

    Task friend_request(FriendRequestPayload request);

    Task friend_accepted(FriendAcceptedPayload accepted);

    Task typing(TypingPayload typing);

    Task error(ErrorPayload error);
}

#pragma warning restore CA1707, IDE1006

public sealed record ReadReceiptPayload(string ConversationId, string ReaderId, long LastReadSeq, DateTimeOffset ReadAt);

public sealed record FriendRequestPayload(string FromUserId, string Username, string DisplayName, DateTimeOffset CreatedAt);

public sealed record FriendAcceptedPayload(string UserId, string Username, string DisplayName);

public sealed record TypingPayload(string ConversationId, string UserId);

public sealed record ErrorPayload(string Code, string Message);
