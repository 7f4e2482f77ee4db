using Microsoft.Extensions.Options;

namespace Social.WebFront.Overload;

/// <summary>The server is at capacity: answered 503 <c>unavailable</c> with <c>Retry-After</c>.</summary>
public sealed class OverloadedException(TimeSpan retryAfter)
    : Exception($"The server is at capacity; retry in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Admission for sends on this front: at most <see cref="SendLatencyLimit.Current"/> in flight
/// (<see cref="OverloadOptions.MaxConcurrentSends"/> while sends are quick, fewer while they
/// queue), none while the process is saturated (<see cref="ThreadPoolLag"/>), no queue (a refusal
/// is immediate), and a deadline on each admitted send. REST and the hub both go through it, so
/// either way an overloaded server says so quickly and clearly.
/// </summary>
public sealed class SendGate(IOptions<OverloadOptions> options, ThreadPoolLag lag, SendLatencyLimit limit, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly SendDeadlines _deadlines = new(time, options.Value.SendTimeout);
    private int _inFlight;

    /// <summary>Sends admitted and not yet ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs <paramref name="send"/> if there is room; throws <see cref="OverloadedException"/> if not, <see cref="TimeoutException"/> past the deadline.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> send)
    {
        if (lag.IsSaturated)
        {
            Grains.Telemetry.SocialMetrics.SendShed("saturated");
            throw new OverloadedException(RetryAfter);
        }

        if (Interlocked.Increment(ref _inFlight) > limit.Current)
        {
            Interlocked.Decrement(ref _inFlight);
            Grains.Telemetry.SocialMetrics.SendShed("in_flight");
            throw new OverloadedException(RetryAfter);
        }

        var started = time.GetTimestamp();
        Task<T> sending;
        try
        {
            sending = send();
        }
        catch
        {
            Ended(started);
            throw;
        }

        // The place is held until the send really ends, even past the caller's deadline, so the
        // limit counts the work the cluster is actually doing.
        var pending = new PendingSend<T>(this, started);
        var outcome = pending.Outcome;
        _ = sending.ContinueWith(
            static (task, state) => ((PendingSend<T>)state!).Ended(task),
            pending, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _deadlines.Track(pending);
        return await outcome;
    }

    public void Dispose() => _deadlines.Dispose();

    private void Ended(long started)
    {
        Interlocked.Decrement(ref _inFlight);
        limit.Ended(time.GetElapsedTime(started));
    }

    /// <summary>An admitted send: its outcome, or a <see cref="TimeoutException"/> once its deadline passes first.</summary>
    private sealed class PendingSend<T> : SendDeadlines.IExpiring
    {
        private readonly SendGate _gate;
        private readonly long _started;

        // Let go once the send has ended: the deadline queue holds this object for the whole
        // timeout, and must not keep every result alive that long.
        private TaskCompletionSource<T>? _outcome = new();

        public PendingSend(SendGate gate, long started)
        {
            _gate = gate;
            _started = started;
            Outcome = _outcome.Task;
        }

        public Task<T> Outcome { get; }

        public void Ended(Task<T> send)
        {
            _gate.Ended(_started);
            var outcome = Interlocked.Exchange(ref _outcome, null)!;
            if (send.IsCompletedSuccessfully)
            {
                outcome.TrySetResult(send.Result);
            }
            else if (send.IsCanceled)
            {
                outcome.TrySetCanceled();
            }
            else
            {
                outcome.TrySetException(send.Exception!.InnerExceptions);
            }
        }

        // Off the sweep's thread: the caller's continuation (writing the refusal) would run inline on it.
        public void Expire()
        {
            if (Volatile.Read(ref _outcome) is { } outcome)
            {
                ThreadPool.UnsafeQueueUserWorkItem(
                    static outcome => outcome.TrySetException(new TimeoutException("The send did not end before its deadline.")), outcome, preferLocal: false);
            }
        }
    }
}
