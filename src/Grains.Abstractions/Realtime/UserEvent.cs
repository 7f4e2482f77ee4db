using Social.Grains.Messages;

namespace Social.Grains.Realtime;

/// <summary>
/// Something a user's connected clients should hear about, published on the user's stream
/// (<see cref="UserStreams"/>). Front ends turn each kind into the contract's event name.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.UserEvent")]
public abstract record UserEvent;

[GenerateSerializer, Immutable, Alias("Social.NewMessageEvent")]
public sealed record NewMessageEvent([property: Id(0)] Message Message) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.ReadReceiptEvent")]
public sealed record ReadReceiptEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string ReaderId,
    [property: Id(2)] long LastReadSeq,
    [property: Id(3)] DateTimeOffset ReadAt) : UserEvent;

/// <summary>Someone asked to be friends; the front adds their public profile.</summary>
[GenerateSerializer, Immutable, Alias("Social.FriendRequestEvent")]
public sealed record FriendRequestEvent(
    [property: Id(0)] string FromUserId,
    [property: Id(1)] DateTimeOffset CreatedAt) : UserEvent;

/// <summary>A request this user sent was accepted (or two requests met); the front adds the profile.</summary>
[GenerateSerializer, Immutable, Alias("Social.FriendAcceptedEvent")]
public sealed record FriendAcceptedEvent([property: Id(0)] string UserId) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.TypingEvent")]
public sealed record TypingEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string UserId) : UserEvent;
