namespace Social.Grains.Presence;

/// <summary>
/// Coalesces a user's presence changes into announcements: the first change after a quiet
/// window goes out at once, later ones wait for the window to end and then send only the state
/// reached, or nothing when it is what friends were last told (a connection that dropped and
/// came back). Plain code with the clock passed in.
/// </summary>
public sealed class PresenceAnnouncer(TimeSpan window)
{
    private DateTimeOffset _lastAnnouncedAt = DateTimeOffset.MinValue;

    /// <summary>What friends were last told; a fresh activation assumes they think the user offline.</summary>
    public PresenceView Announced { get; private set; } = PresenceView.Offline;

    /// <summary>How long to wait before announcing a change seen at <paramref name="now"/>.</summary>
    public TimeSpan DelayFrom(DateTimeOffset now)
    {
        if (_lastAnnouncedAt == DateTimeOffset.MinValue)
        {
            return TimeSpan.Zero;
        }

        var due = _lastAnnouncedAt + window - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>Whether <paramref name="current"/> must be announced now; if so, it is taken as announced.</summary>
    public bool TryTake(PresenceView current, DateTimeOffset now)
    {
        if (current == Announced)
        {
            return false;
        }

        Announced = current;
        _lastAnnouncedAt = now;
        return true;
    }
}
