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
public sealed class SendGate(IOptions<OverloadOptions> options, ThreadPoolLag lag, SendLatencyLimit limit, TimeProvider time)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _timeout = options.Value.SendTimeout;
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
        _ = sending.ContinueWith(
            static (_, state) =>
            {
                var (gate, started) = ((SendGate, long))state!;
                gate.Ended(started);
            },
            (this, started), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await sending.WaitAsync(_timeout);
    }

    private void Ended(long started)
    {
        Interlocked.Decrement(ref _inFlight);
        limit.Ended(time.GetElapsedTime(started));
    }
}
