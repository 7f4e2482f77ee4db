namespace Social.Grains.RateLimiting;

/// <summary>At most <c>limit</c> events in any rolling <c>window</c>; used for the daily greeting limit and login attempts.</summary>
public sealed class SlidingWindowCounter(int limit, TimeSpan window, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _events = new();

    public void Seed(IEnumerable<DateTimeOffset> past)
    {
        foreach (var at in past.Order())
        {
            _events.Enqueue(at);
        }
    }

    /// <summary>Counts one event, or says how long until one is allowed.</summary>
    public bool TryAdd(out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        while (_events.Count > 0 && _events.Peek() + window <= now)
        {
            _events.Dequeue();
        }

        if (_events.Count >= limit)
        {
            retryAfter = _events.Peek() + window - now;
            return false;
        }

        _events.Enqueue(now);
        retryAfter = TimeSpan.Zero;
        return true;
    }

    /// <summary>Forgets every event counted so far.</summary>
    public void Clear() => _events.Clear();
}
