namespace Social.Storage.Messages;

/// <summary>
/// Durable message storage, shaped for the reads: messages keyed by (conversation, seq), the
/// members of each conversation with their read cursors. The conversation grain is the only
/// writer of its conversation's messages; it assigns seqs, this store keeps them.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Creates the conversation and its members if missing (idempotent). The conversation grain
    /// does not: it creates a conversation with its first message (<see cref="AppendCreatingAsync"/>).
    /// </summary>
    Task EnsureConversationAsync(string conversationId, IReadOnlyList<string> memberIds, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// What a conversation grain needs on activation, or null when the conversation does not exist:
    /// members and their cursors, the last seq, the newest <paramref name="recentCount"/> messages
    /// and who has sent a greeting.
    /// </summary>
    Task<ConversationSnapshot?> LoadConversationAsync(string conversationId, int recentCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// The message <paramref name="senderId"/> stored in the conversation with
    /// <paramref name="clientMessageId"/>, or null: how a retry older than what the grain keeps in
    /// memory finds its first message (one probe of the unique client message id index).
    /// </summary>
    Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string senderId, string clientMessageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores one message. Writes from all conversations are group-committed: the task completes
    /// only after the transaction holding this message has committed, and fails if it did not.
    /// </summary>
    Task AppendAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="AppendAsync"/>, and creates the message's conversation with
    /// <paramref name="conversation"/>'s members, if missing, in the same transaction: a
    /// conversation's first message costs no commit of its own, and there is never a stored
    /// conversation without the message that created it (nor the other way round).
    /// </summary>
    Task AppendCreatingAsync(StoredMessage message, NewConversation conversation, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of messages in ascending seq order: the newest <paramref name="limit"/> below
    /// <paramref name="beforeSeq"/>, or the oldest <paramref name="limit"/> above <paramref name="afterSeq"/>,
    /// or the newest when both are null. Hidden flags are returned, not applied.
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> ReadPageAsync(string conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Raises a member's read cursor to <paramref name="seq"/> (never lowers it).</summary>
    Task SetReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken = default);

    /// <summary>Hides a message for one participant ("delete for me"); false when no such message.</summary>
    Task<bool> HideAsync(string conversationId, long seq, string userId, CancellationToken cancellationToken = default);

    /// <summary>Every conversation of a user, for rebuilding the user's conversation index.</summary>
    Task<IReadOnlyList<UserConversationRow>> LoadUserConversationsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the store's hot statements once, storing nothing, so that a fresh process's first
    /// messages do not wait for their first use (connections, type handling, prepared statements,
    /// compiled code). Called once at start-up.
    /// </summary>
    Task WarmUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Greetings sent by <paramref name="senderId"/> since <paramref name="since"/> (for the daily limit).</summary>
    Task<IReadOnlyList<DateTimeOffset>> LoadGreetingTimesAsync(string senderId, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>
/// One message as stored. Direct messages have exactly one recipient; the hidden flags are the
/// seed's per-participant "delete for me".
/// </summary>
public sealed record StoredMessage(
    string ConversationId,
    long Seq,
    string SenderId,
    string RecipientId,
    string Content,
    DateTimeOffset CreatedAt,
    bool IsGreeting,
    string? ClientMessageId,
    bool HiddenBySender = false,
    bool HiddenByRecipient = false) : ISequencedMessage
{
    public bool IsHiddenFor(string userId) => IsHidden(userId, SenderId, RecipientId, HiddenBySender, HiddenByRecipient);

    /// <summary>"Delete for me": a message is hidden only from the participant who hid it.</summary>
    public static bool IsHidden(string userId, string senderId, string recipientId, bool hiddenBySender, bool hiddenByRecipient) =>
        (userId == senderId && hiddenBySender) || (userId == recipientId && hiddenByRecipient);
}

/// <summary>A conversation to create with its first message (<see cref="IMessageStore.AppendCreatingAsync"/>).</summary>
public sealed record NewConversation(string ConversationId, IReadOnlyList<string> MemberIds, DateTimeOffset CreatedAt);

public sealed record ConversationMember(string UserId, long LastReadSeq, long LastOwnSeq);

public sealed record ConversationSnapshot(
    string ConversationId,
    IReadOnlyList<ConversationMember> Members,
    long LastSeq,
    IReadOnlyList<StoredMessage> Recent,
    IReadOnlyList<string> GreetingSenders);

/// <summary>
/// One conversation as a user's index needs it. <see cref="LastVisibleMessage"/> is the newest
/// message the user has not hidden (null when none).
/// </summary>
public sealed record UserConversationRow(
    string ConversationId,
    IReadOnlyList<string> MemberIds,
    long LastSeq,
    long LastReadSeq,
    long LastOwnSeq,
    StoredMessage? LastVisibleMessage);
