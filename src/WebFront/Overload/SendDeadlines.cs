using System.Collections.Concurrent;

namespace Social.WebFront.Overload;

/// <summary>
/// The deadlines of admitted sends. Every send gets the same timeout, so deadlines expire in the
/// order sends were admitted: one queue and one periodic sweep serve them all, where
/// <c>Task.WaitAsync(timeout)</c> started and stopped a timer per send (the runtime's timer lock
/// was among the most contended in a profile at 2,000 sends/s). A send fails at most one sweep
/// period after its deadline.
/// </summary>
public sealed class SendDeadlines : IDisposable
{
    private readonly ConcurrentQueue<(long Deadline, IExpiring Send)> _pending = new();
    private readonly TimeProvider _time;
    private readonly long _timeoutTicks;
    private readonly ITimer _sweep;
    private int _sweeping;

    public SendDeadlines(TimeProvider time, TimeSpan timeout)
    {
        _time = time;
        _timeoutTicks = (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 20, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerMillisecond * 100));
        _sweep = time.CreateTimer(static state => ((SendDeadlines)state!).Sweep(), this, period, period);
    }

    /// <summary>A send that can be failed once its deadline has passed (a no-op if it has ended).</summary>
    public interface IExpiring
    {
        void Expire();
    }

    /// <summary>Sends waiting for their deadline, ended or not (tests read it).</summary>
    internal int Count => _pending.Count;

    /// <summary>Starts <paramref name="send"/>'s deadline now.</summary>
    public void Track(IExpiring send) => _pending.Enqueue((_time.GetTimestamp() + _timeoutTicks, send));

    private void Sweep()
    {
        // Timer callbacks can overlap; only one sweep dequeues, so what it peeked is what it takes.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            while (_pending.TryPeek(out var next) && next.Deadline <= now && _pending.TryDequeue(out next))
            {
                next.Send.Expire();
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public void Dispose() => _sweep.Dispose();
}
