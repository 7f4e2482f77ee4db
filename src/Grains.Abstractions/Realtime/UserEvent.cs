using Social.Grains.Messages;

namespace Social.Grains.Realtime;

/// <summary>
/// Something a user's connected clients should hear about, published on the user's stream
/// (<see cref="UserStreams"/>) inside a <see cref="StreamedUserEvent"/>. Front ends turn each
/// kind into the contract's event name.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.UserEvent")]
public abstract record UserEvent
{
    /// <summary>
    /// Whether the user is owed this event: owed events are numbered by the user's grain and
    /// repaired when lost; the rest (typing) are fleeting and go out as they are.
    /// </summary>
    public virtual bool IsOwed => true;
}

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

/// <summary>
/// The relationship with <see cref="UserId"/> changed in a way the client must show at once
/// (a request withdrawn or declined, a friendship ended, a block). A user who is blocked hears
/// of it only as the ended friendship or request it looks like.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.RelationshipChangedEvent")]
public sealed record RelationshipChangedEvent(
    [property: Id(0)] RelationshipChange Change,
    [property: Id(1)] string UserId) : UserEvent;

[GenerateSerializer, Alias("Social.RelationshipChange")]
public enum RelationshipChange
{
    RequestCancelled = 0,
    RequestRejected = 1,
    FriendRemoved = 2,
    Blocked = 3,
    Unblocked = 4,
}

[GenerateSerializer, Immutable, Alias("Social.TypingEvent")]
public sealed record TypingEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string UserId) : UserEvent
{
    public override bool IsOwed => false;
}

/// <summary>
/// Where the user's sequence stands, published a moment after the last owed event: a front
/// that has not seen that far knows an event was lost on the way, even the last one.
/// Never shown to clients.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.PositionMarkerEvent")]
public sealed record PositionMarkerEvent : UserEvent
{
    public override bool IsOwed => false;
}
