namespace Social.WebFront.Overload;

/// <summary>
/// How many sends may be in flight, adapted to how long they take. Past saturation every admitted
/// send waits behind the others, and the admitted latency is the in-flight count divided by the
/// throughput, so a fixed limit sized for a healthy cluster makes each admitted send wait seconds.
/// Once per <see cref="OverloadOptions.SendLatencyInterval"/>: if even the fastest send that ended
/// in it took longer than <see cref="OverloadOptions.SendLatencyTarget"/> (a standing queue, not a
/// slow send or two), the limit shrinks by a quarter, down to <see cref="OverloadOptions.MinConcurrentSends"/>;
/// otherwise it grows back by a tenth of <see cref="OverloadOptions.MaxConcurrentSends"/>.
/// </summary>
public sealed class SendLatencyLimit
{
    private readonly TimeProvider _time;
    private readonly int _max;
    private readonly int _min;
    private readonly TimeSpan _target;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private int _limit;
    private long _intervalStart;
    private TimeSpan _fastest = TimeSpan.MaxValue;

    public SendLatencyLimit(TimeProvider time, int max, int min, TimeSpan target, TimeSpan interval)
    {
        _time = time;
        _max = max;
        _min = Math.Min(min, max);
        _target = target;
        _interval = interval;
        _limit = max;
        _intervalStart = time.GetTimestamp();
    }

    /// <summary>The sends that may be in flight now.</summary>
    public int Current => Volatile.Read(ref _limit);

    /// <summary>A send admitted by the gate has ended (stored, refused by a rule or failed) after <paramref name="duration"/>.</summary>
    public void Ended(TimeSpan duration)
    {
        if (_target <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            _fastest = duration < _fastest ? duration : _fastest;
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_intervalStart, now) < _interval)
            {
                return;
            }

            var limit = _fastest > _target
                ? Math.Max(_min, _limit * 3 / 4)
                : Math.Min(_max, _limit + Math.Max(1, _max / 10));
            Volatile.Write(ref _limit, limit);
            _fastest = TimeSpan.MaxValue;
            _intervalStart = now;
        }
    }
}
