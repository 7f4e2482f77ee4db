namespace Social.WebFront.Overload;

/// <summary>
/// Whether this process is saturated: a probe work item put on the thread pool every few
/// milliseconds (<see cref="ThreadPoolLagProbe"/>) has not once started within
/// <see cref="OverloadOptions.MaxThreadPoolLag"/> for the last <see cref="OverloadOptions.SaturationWindow"/>.
/// A burst (a GC pause, a moment of contention) does not trip it; a standing queue, where every
/// continuation of every send and push waits its turn, does, and the send gate then refuses
/// instead of adding to that queue.
/// </summary>
public sealed class ThreadPoolLag
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _limit;
    private readonly TimeSpan _window;
    private long _lastPromptAt;
    private long _lastLagTicks;

    public ThreadPoolLag(TimeProvider time, TimeSpan limit, TimeSpan window)
    {
        _time = time;
        _limit = limit;
        _window = window;
        _lastPromptAt = time.GetTimestamp();
    }

    /// <summary>False when the check is switched off (a limit of zero).</summary>
    public bool IsEnabled => _limit > TimeSpan.Zero;

    /// <summary>How long the last probe waited for a thread.</summary>
    public TimeSpan LastLag => TimeSpan.FromTicks(Volatile.Read(ref _lastLagTicks));

    /// <summary>True while no probe has started within the limit for a whole window.</summary>
    public bool IsSaturated => IsEnabled && _time.GetElapsedTime(Volatile.Read(ref _lastPromptAt)) > _window;

    /// <summary>A probe queued at <paramref name="queuedAt"/> has just started running.</summary>
    public void ProbeStarted(long queuedAt)
    {
        var now = _time.GetTimestamp();
        var lag = _time.GetElapsedTime(queuedAt, now);
        Volatile.Write(ref _lastLagTicks, lag.Ticks);
        if (lag <= _limit)
        {
            Volatile.Write(ref _lastPromptAt, now);
        }
    }
}
