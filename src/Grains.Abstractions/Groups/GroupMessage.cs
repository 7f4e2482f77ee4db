using System.Text.Json.Serialization;

namespace Social.Grains.Groups;

/// <summary>
/// A message in a group: the contract's Message fields (<see cref="RecipientId"/> is the group's
/// conversation id) and, for a system message, <see cref="System"/> (absent otherwise).
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.GroupMessage")]
public sealed record GroupMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] long Seq,
    [property: Id(3)] string SenderId,
    [property: Id(4)] string RecipientId,
    [property: Id(5)] string Content,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] bool IsGreeting,
    [property: Id(8)] string? ClientMessageId,
    [property: Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GroupChange? System = null);

[GenerateSerializer, Immutable, Alias("Social.GroupSendCommand")]
public sealed record GroupSendCommand(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string Content,
    [property: Id(2)] string? ClientMessageId);

/// <summary>The stored message, or why not; <see cref="Duplicate"/> when a retry found the first one.</summary>
[GenerateSerializer, Immutable, Alias("Social.GroupSendResult")]
public sealed record GroupSendResult(
    [property: Id(0)] GroupError Error,
    [property: Id(1)] Social.Grains.Messages.MessageError MessageError,
    [property: Id(2)] GroupMessage? Message,
    [property: Id(3)] bool Duplicate = false,
    [property: Id(4)] TimeSpan? RetryAfter = null);

/// <summary>A page of a member's history; <see cref="ReadBy"/> holds every current member's read cursor.</summary>
[GenerateSerializer, Immutable, Alias("Social.GroupHistoryPage")]
public sealed record GroupHistoryPage(
    [property: Id(0)] IReadOnlyList<GroupMessage> Items,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] IReadOnlyList<Social.Grains.Messages.ReadCursor> ReadBy);
