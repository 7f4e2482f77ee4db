namespace Social.Grains.RateLimiting;

/// <summary>
/// A token bucket: <see cref="Capacity"/> tokens at most, refilled continuously at
/// <c>refillPerSecond</c>. Lives inside one grain activation, so it needs no locking; time comes
/// from a <see cref="TimeProvider"/> so tests can move the clock.
/// </summary>
public sealed class TokenBucket(int capacity, double refillPerSecond, TimeProvider time)
{
    private double _tokens = capacity;
    private long _lastRefill = time.GetTimestamp();

    public int Capacity { get; } = capacity;

    /// <summary>Takes one token, or says how long until one is available.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((1 - _tokens) / refillPerSecond);
        return false;
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_lastRefill, now);
        _lastRefill = now;
        _tokens = Math.Min(Capacity, _tokens + (elapsed.TotalSeconds * refillPerSecond));
    }
}
