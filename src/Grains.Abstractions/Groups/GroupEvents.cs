using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Grains.Groups;

/// <summary>A message (or system message) in one of the user's groups; clients hear it as <c>new_message</c>.</summary>
[GenerateSerializer, Immutable, Alias("Social.GroupMessageEvent")]
public sealed record GroupMessageEvent([property: Id(0)] GroupMessage Message) : UserEvent;

/// <summary>
/// Members' read cursors that moved in a group, gathered over a moment and sent once to every
/// member (<c>group_read</c>): "seen by" without an event per reader per member. Fleeting, like
/// typing: a client that missed one reads <c>readBy</c> from the history.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.GroupReadEvent")]
public sealed record GroupReadEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] IReadOnlyList<ReadCursor> Readers) : UserEvent
{
    public override bool IsOwed => false;
}
