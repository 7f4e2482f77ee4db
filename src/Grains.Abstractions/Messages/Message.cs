namespace Social.Grains.Messages;

/// <summary>A message as the contract shows it.</summary>
[GenerateSerializer, Immutable, Alias("Social.Message")]
public sealed record Message(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] long Seq,
    [property: Id(3)] string SenderId,
    [property: Id(4)] string RecipientId,
    [property: Id(5)] string Content,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] bool IsGreeting,
    [property: Id(8)] string? ClientMessageId);

[GenerateSerializer, Immutable, Alias("Social.SendMessageCommand")]
public sealed record SendMessageCommand(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string RecipientId,
    [property: Id(2)] string Content,
    [property: Id(3)] string? ClientMessageId,
    [property: Id(4)] bool IsGreeting = false);

/// <summary>The stored message, or why not; <see cref="Duplicate"/> when a retry found the first one.</summary>
[GenerateSerializer, Immutable, Alias("Social.SendResult")]
public sealed record SendResult(
    [property: Id(0)] MessageError Error,
    [property: Id(1)] Message? Message,
    [property: Id(2)] bool Duplicate = false,
    [property: Id(3)] TimeSpan? RetryAfter = null)
{
    public static SendResult Fail(MessageError error, TimeSpan? retryAfter = null) => new(error, null, false, retryAfter);
}

[GenerateSerializer, Immutable, Alias("Social.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<Message> Items,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] IReadOnlyList<ReadCursor> ReadBy);

/// <summary>
/// How far one participant has read: every message up to <see cref="LastReadSeq"/>. Sending
/// counts as having read what came before, so this is never below the participant's own newest message.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.ReadCursor")]
public sealed record ReadCursor(
    [property: Id(0)] string UserId,
    [property: Id(1)] long LastReadSeq);

[GenerateSerializer, Immutable, Alias("Social.ReadState")]
public sealed record ReadState(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long LastReadSeq,
    [property: Id(2)] int UnreadCount);
