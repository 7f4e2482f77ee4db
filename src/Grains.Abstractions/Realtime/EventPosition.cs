namespace Social.Grains.Realtime;

/// <summary>
/// A place in one user's event sequence. <see cref="Epoch"/> names a run of the sequence: it
/// changes whenever the user's grain starts afresh (a silo died, the grain was idle), and
/// <see cref="Seq"/> counts owed events from 1 within it, without gaps. Epochs stay below
/// 2^53 so JavaScript clients hold them exactly.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.EventPosition")]
public sealed record EventPosition([property: Id(0)] long Epoch, [property: Id(1)] long Seq)
{
    /// <summary>Nothing seen yet.</summary>
    public static EventPosition None { get; } = new(0, 0);
}

/// <summary>
/// One item on a user's stream: an owed event with its position; a fleeting one
/// (<see cref="UserEvent.IsOwed"/> false) with <see cref="Seq"/> 0; or a
/// <see cref="PositionMarkerEvent"/> with the position it announces. <see cref="TraceParent"/> is
/// the W3C trace the event was published in, when tracing records it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.StreamedUserEvent")]
public sealed record StreamedUserEvent(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Seq,
    [property: Id(2)] UserEvent Event,
    [property: Id(3)] string? TraceParent = null)
{
    public EventPosition Position => new(Epoch, Seq);
}

/// <summary>
/// The owed events after a position, from the user grain's recent buffer. <see cref="Complete"/>
/// is false when the buffer no longer reaches back that far or the position is from another
/// epoch: what is missing must then be caught up through REST.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.EventReplay")]
public sealed record EventReplay(
    [property: Id(0)] EventPosition Current,
    [property: Id(1)] bool Complete,
    [property: Id(2)] IReadOnlyList<StreamedUserEvent> Events);
