namespace Social.Storage.Messages;

/// <summary>Stores a batch of appends for <see cref="MessageAppendQueue"/>.</summary>
internal interface IMessageBatchWriter
{
    /// <summary>
    /// Stores <paramref name="messages"/>, from any number of conversations. Each conversation's
    /// messages are stored all or none. Returns the conversations that were not stored, each with
    /// the reason (empty when everything was stored); a failed write is reported, not thrown.
    /// <paramref name="creations"/> (at most one per conversation, each with messages in the
    /// batch) are created if missing, all or none with their conversation's messages.
    /// </summary>
    Task<IReadOnlyDictionary<string, Exception>> WriteAsync(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations);

    /// <summary>Runs the writer's statements once without storing anything, so the first batch does not pay for first use.</summary>
    Task WarmUpAsync() => Task.CompletedTask;
}
