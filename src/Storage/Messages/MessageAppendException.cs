namespace Social.Storage.Messages;

/// <summary>
/// An append that was not stored. After one, the store refuses further appends to the
/// conversation until <see cref="IMessageStore.LoadConversationAsync"/> is called for it again, so
/// the writer reloads its last seq before it writes on (a failed seq must not leave a gap behind
/// a later one). <see cref="Exception.InnerException"/> holds the database error, when there is one.
/// </summary>
public sealed class MessageAppendException(string conversationId, long seq, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string ConversationId { get; } = conversationId;

    public long Seq { get; } = seq;

    internal static MessageAppendException Failed(StoredMessage message, Exception innerException) => new(
        message.ConversationId, message.Seq,
        $"Message {message.Seq} of conversation {message.ConversationId} was not stored: {innerException.Message}",
        innerException);

    internal static MessageAppendException Refused(StoredMessage message) => new(
        message.ConversationId, message.Seq,
        $"Message {message.Seq} of conversation {message.ConversationId} was not stored: an earlier append to the " +
        "conversation failed, and it takes no appends until it is loaded again.");
}
