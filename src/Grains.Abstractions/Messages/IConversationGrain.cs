namespace Social.Grains.Messages;

/// <summary>
/// One conversation (keyed by <see cref="GrainKeys.Conversation"/>): checks every send (content,
/// members, retries, the greeting ledger), has the sender's user grain admit it (relationship,
/// plan and rate limits: <see cref="Users.IUserGrain.AdmitSend"/>), gives it the next seq, stores
/// it, and only then answers. Reentrant: sends interleave while they wait for the group commit,
/// but seqs are assigned without an await in between, so they stay 1, 2, 3 … with no gaps.
/// </summary>
[Alias("Social.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    [Alias("Send")]
    Task<SendResult> Send(SendMessageCommand command);

    /// <summary>A page of history for <paramref name="userId"/>, or null when the user is not a participant.</summary>
    [Alias("GetHistory")]
    Task<HistoryPage?> GetHistory(string userId, long? beforeSeq, long? afterSeq, int limit);

    /// <summary>Marks read up to <paramref name="upToSeq"/> (everything when null); null when not a participant.</summary>
    [Alias("MarkRead")]
    Task<ReadState?> MarkRead(string userId, long? upToSeq);

    [Alias("Hide")]
    Task<MessageError> Hide(string userId, string messageId);

    /// <summary>
    /// Tells the other participants that <paramref name="userId"/> is typing; throttled, never stored.
    /// False when the user is not a participant.
    /// </summary>
    [Alias("Typing")]
    Task<bool> Typing(string userId);
}
