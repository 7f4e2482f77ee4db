using System.Runtime.InteropServices;

namespace Social.Grains.Realtime;

/// <summary>
/// One user's event sequence as its grain keeps it: numbers owed events gap-free within an
/// epoch chosen at random when the grain activates, and remembers the most recent ones (at most
/// <see cref="Capacity"/>, none older than <see cref="MaxAge"/>) so that a front end or client
/// that missed some can be given them again. In memory only: a new activation is a new epoch,
/// and anyone holding a position from the old one catches up through REST.
/// </summary>
public sealed class UserEventLog(TimeProvider time)
{
    public const int Capacity = 256;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly Queue<(StreamedUserEvent Event, DateTimeOffset At)> _recent = new();

    // The message ids of the recent new_message events: every message's note asks whether it is a
    // repeat, and a scan of the whole buffer per message showed in profiles.
    // Counted, since nothing stops one message from being appended twice.
    private readonly Dictionary<string, int> _recentMessageIds = new(StringComparer.Ordinal);

    public long Epoch { get; } = Random.Shared.NextInt64(1, 1L << 53);

    public long Seq { get; private set; }

    public EventPosition Position => new(Epoch, Seq);

    /// <summary>Gives an owed event the next seq and remembers it.</summary>
    public StreamedUserEvent Append(UserEvent userEvent, string? traceParent = null)
    {
        var streamed = new StreamedUserEvent(Epoch, ++Seq, userEvent, traceParent);
        _recent.Enqueue((streamed, time.GetUtcNow()));
        if (userEvent is NewMessageEvent added)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_recentMessageIds, added.Message.MessageId, out _)++;
        }

        Trim();
        return streamed;
    }

    /// <summary>A marker announcing where the sequence stands.</summary>
    public StreamedUserEvent Marker() => new(Epoch, Seq, new PositionMarkerEvent());

    /// <summary>Whether a <see cref="NewMessageEvent"/> for <paramref name="messageId"/> is among the recent events.</summary>
    public bool HasRecentMessage(string messageId)
    {
        Trim();
        return _recentMessageIds.ContainsKey(messageId);
    }

    /// <summary>The owed events after <paramref name="position"/>, as far back as the buffer reaches.</summary>
    public EventReplay After(EventPosition position)
    {
        Trim();
        var sameEpoch = position.Epoch == Epoch;
        var from = sameEpoch ? position.Seq : 0;
        if (sameEpoch && from >= Seq)
        {
            return new EventReplay(Position, Complete: from == Seq, []);
        }

        var events = _recent.Select(entry => entry.Event).Where(e => e.Seq > from).ToList();
        var reachesBack = Seq == 0 || (events.Count > 0 && events[0].Seq == from + 1);
        return new EventReplay(Position, Complete: sameEpoch && reachesBack, events);
    }

    private void Trim()
    {
        var oldest = time.GetUtcNow() - MaxAge;
        while (_recent.Count > Capacity || (_recent.Count > 0 && _recent.Peek().At < oldest))
        {
            if (_recent.Dequeue().Event.Event is NewMessageEvent dropped
                && --CollectionsMarshal.GetValueRefOrNullRef(_recentMessageIds, dropped.Message.MessageId) == 0)
            {
                _recentMessageIds.Remove(dropped.Message.MessageId);
            }
        }
    }
}
