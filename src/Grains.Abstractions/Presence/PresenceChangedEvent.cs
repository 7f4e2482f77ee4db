using Social.Grains.Realtime;

namespace Social.Grains.Presence;

/// <summary>
/// A friend's presence changed (pushed as <c>presence_changed</c>). Fleeting: only the latest
/// state matters, so a lost one is never repeated; clients read the friend list after a
/// (re)connect or <c>resync</c> (docs/api.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.PresenceChangedEvent")]
public sealed record PresenceChangedEvent(
    [property: Id(0)] string UserId,
    [property: Id(1)] PresenceView Presence) : UserEvent
{
    public override bool IsOwed => false;
}
