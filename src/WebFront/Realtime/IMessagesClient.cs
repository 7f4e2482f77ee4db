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

    /// <summary>Sequenced connections only: the position after which this connection's events follow.</summary>
    Task session(Social.Grains.Realtime.EventPosition position);
}

#pragma warning restore CA1707, IDE1006

public sealed record ReadReceiptPayload(string ConversationId, string ReaderId, long LastReadSeq, DateTimeOffset ReadAt);

public sealed record FriendRequestPayload(string FromUserId, string Username, string DisplayName, DateTimeOffset CreatedAt);

public sealed record FriendAcceptedPayload(string UserId, string Username, string DisplayName);

public sealed record TypingPayload(string ConversationId, string UserId);

/// <summary><c>group_read</c>: members of a group whose read cursors moved (docs/api.md, "Groups").</summary>
public sealed record GroupReadPayload(string ConversationId, IReadOnlyList<GroupReaderPayload> Readers);

public sealed record GroupReaderPayload(string UserId, long LastReadSeq);

public sealed record ErrorPayload(string Code, string Message);

/// <summary>The other user of a relationship change (<c>friend_request_cancelled</c>, <c>friend_removed</c>, …).</summary>
public sealed record RelationshipPayload(string UserId);

/// <summary>A friend's presence changed (<c>presence_changed</c>, docs/api.md).</summary>
public sealed record PresenceChangedPayload(string UserId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>A client's last seen position, for <c>Resume</c>.</summary>
public sealed record ResumeRequest(long? Epoch, long? Seq);

/// <summary>What <c>Resume</c> answers: the missed events in order, or <c>complete: false</c> (catch up through REST).</summary>
public sealed record ResumeResult(bool Complete, IReadOnlyList<ReplayedEvent> Events);

/// <summary>One replayed event: the contract's event name, its payload and its position.</summary>
public sealed record ReplayedEvent(string Type, object Data, long Epoch, long Seq);
