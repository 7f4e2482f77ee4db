using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Social.Client.Realtime;

/// <summary>One server → client event: its name, payload type, whether it is owed (positioned) and how it becomes a <see cref="SocialEvent"/>.</summary>
internal sealed record EventKind(string Name, JsonTypeInfo Payload, bool Positioned, Func<object, SocialEvent> Create)
{
    public SocialEvent? Parse(JsonElement data) => JsonSerializer.Deserialize(data, Payload) is { } payload ? Create(payload) : null;
}

/// <summary>
/// Every event the connection listens to. A new event is one line here and
/// one record in <c>SocialEvent.cs</c>.
/// </summary>
internal static class EventCatalog
{
    public static readonly IReadOnlyList<EventKind> All =
    [
        new("new_message", SocialJsonContext.Default.Message, true, p => new NewMessageEvent((Message)p)),
        new("read_receipt", SocialJsonContext.Default.ReadReceipt, true, p => new ReadReceiptEvent((ReadReceipt)p)),
        new("friend_request", SocialJsonContext.Default.FriendRequestNotice, true, p => new FriendRequestEvent((FriendRequestNotice)p)),
        new("friend_accepted", SocialJsonContext.Default.FriendAcceptedNotice, true, p => new FriendAcceptedEvent((FriendAcceptedNotice)p)),
        Relationship("friend_request_cancelled"),
        Relationship("friend_request_rejected"),
        Relationship("friend_removed"),
        Relationship("user_blocked"),
        Relationship("user_unblocked"),
        new("typing", SocialJsonContext.Default.TypingNotice, false, p => new TypingEvent((TypingNotice)p)),
        new("group_read", SocialJsonContext.Default.GroupReadNotice, false, p => new GroupReadEvent((GroupReadNotice)p)),
        new("presence_changed", SocialJsonContext.Default.PresenceNotice, false, p => new PresenceChangedEvent((PresenceNotice)p)),
        new("error", SocialJsonContext.Default.ServerError, false, p => new ServerErrorEvent((ServerError)p)),
    ];

    private static readonly Dictionary<string, EventKind> ByName = All.ToDictionary(kind => kind.Name, StringComparer.Ordinal);

    public static EventKind? Find(string name) => ByName.GetValueOrDefault(name);

    private static EventKind Relationship(string name) =>
        new(name, SocialJsonContext.Default.RelationshipNotice, true, p => new RelationshipEvent(name, ((RelationshipNotice)p).UserId));
}
