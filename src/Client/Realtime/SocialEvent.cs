namespace Social.Client;

/// <summary>
/// Something the server pushed (or the client caught up on). Owed events carry their
/// <see cref="Position"/> in the user's event sequence; <c>typing</c> and <c>error</c> do not.
/// </summary>
public abstract record SocialEvent
{
    /// <summary>The event's name on the wire (<c>new_message</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>Its position in the user's event sequence, when it has one.</summary>
    public EventPosition? Position { get; init; }

    /// <summary>The server events this client reads that are owed: on a sequenced connection they carry a position as a second argument.</summary>
    public static IReadOnlyList<string> OwedNames { get; } = [.. Realtime.EventCatalog.All.Where(kind => kind.Positioned).Select(kind => kind.Name)];

    /// <summary>The server events this client reads that are fleeting: no position, never replayed.</summary>
    public static IReadOnlyList<string> FleetingNames { get; } = [.. Realtime.EventCatalog.All.Where(kind => !kind.Positioned).Select(kind => kind.Name)];
}

/// <summary>
/// <c>new_message</c>: a message in one of the user's conversations (sent by either side), or in
/// one of the user's groups (<see cref="Message.System"/> set on a membership change).
/// </summary>
/// <param name="Message">The message.</param>
public sealed record NewMessageEvent(Message Message) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "new_message";

    /// <summary>True when the client fetched it through REST to fill a gap rather than hearing it live.</summary>
    public bool CaughtUp { get; init; }
}

/// <summary><c>read_receipt</c>: the other participant read up to a message.</summary>
/// <param name="Receipt">Who read how far.</param>
public sealed record ReadReceiptEvent(ReadReceipt Receipt) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "read_receipt";
}

/// <summary><c>friend_request</c>: someone asked the user.</summary>
/// <param name="Request">Who asked.</param>
public sealed record FriendRequestEvent(FriendRequestNotice Request) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "friend_request";
}

/// <summary><c>friend_accepted</c>: a request either way was accepted (both users hear it).</summary>
/// <param name="Friend">The other user.</param>
public sealed record FriendAcceptedEvent(FriendAcceptedNotice Friend) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "friend_accepted";
}

/// <summary><c>typing</c>: the other participant is typing (not owed, never repeated).</summary>
/// <param name="Typing">Who, where.</param>
public sealed record TypingEvent(TypingNotice Typing) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "typing";
}

/// <summary><c>group_read</c>: members' read cursors moved in a group (at most once a second; not owed, like <c>typing</c>).</summary>
/// <param name="Read">The group and the cursors that moved.</param>
public sealed record GroupReadEvent(GroupReadNotice Read) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "group_read";
}

/// <summary>
/// <c>presence_changed</c>: a friend's presence changed. Not owed and never replayed: after a
/// (re)connect or <see cref="ResyncEvent"/> read the friend list and apply these on top.
/// </summary>
/// <param name="Presence">The friend and their presence.</param>
public sealed record PresenceChangedEvent(PresenceNotice Presence) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "presence_changed";
}

/// <summary>
/// A relationship change (docs/api.md): <c>friend_request_cancelled</c>, <c>friend_request_rejected</c>,
/// <c>friend_removed</c>, <c>user_blocked</c>, <c>user_unblocked</c>.
/// </summary>
/// <param name="Kind">The event's name.</param>
/// <param name="UserId">The other user.</param>
public sealed record RelationshipEvent(string Kind, string UserId) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => Kind;
}

/// <summary>The hub's <c>error</c> event.</summary>
/// <param name="Error">The code and a message for people.</param>
public sealed record ServerErrorEvent(ServerError Error) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "error";
}

/// <summary>
/// Events may have been missed that could not be replayed (a server restart, a long
/// disconnect, the server's own <c>resync</c>). Messages are already caught up (as
/// <see cref="NewMessageEvent"/>s with <see cref="NewMessageEvent.CaughtUp"/>) unless
/// <see cref="RealtimeOptions.CatchUpConversations"/> is zero; refresh friend lists, read
/// state and the like through REST.
/// </summary>
/// <param name="After">The position the following events continue from.</param>
public sealed record ResyncEvent(EventPosition? After) : SocialEvent
{
    /// <inheritdoc />
    public override string Name => "resync";
}
