using Social.Grains.Realtime;

namespace Social.Grains.Accounts;

/// <summary>
/// The user's sessions issued under a session version below <see cref="SessionVersion"/> ended
/// (the password changed). Every front holding connections of the user closes those of older
/// tokens and forgets the version it cached. Never shown to clients; fleeting, because a front
/// that misses it still refuses the old tokens when it next reads the version.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.SessionsEndedEvent")]
public sealed record SessionsEndedEvent([property: Id(0)] int SessionVersion) : UserEvent
{
    public override bool IsOwed => false;
}
