using System.Diagnostics;

namespace Social.LoadTest.Measuring;

/// <summary>How sends are offered: closed loop (<see cref="Concurrency"/> senders) or open loop (<see cref="Rate"/> per second, when above 0).</summary>
public sealed record SendPlan(int Concurrency, double Rate, TimeSpan Duration);

/// <summary>Offers sends for a while, the way <see cref="SendPlan"/> says; the send itself is the caller's.</summary>
public static class SendPacer
{
    /// <summary>
    /// Closed loop: each of <see cref="SendPlan.Concurrency"/> senders sends again as soon as its
    /// previous send is answered. Open loop: send number n starts at n / rate seconds, whatever is
    /// still unanswered. <paramref name="sendOne"/> gets the send's number and must not throw.
    /// </summary>
    public static async Task<(long Sent, double Seconds)> RunAsync(
        SendPlan plan, Func<long, Task> sendOne, Func<long, double, string> describe, CancellationToken cancellationToken)
    {
        long sent = 0;
        var started = Stopwatch.GetTimestamp();
        await using (Progress.Show(() => describe(Interlocked.Read(ref sent), Stopwatch.GetElapsedTime(started).TotalSeconds)))
        {
            if (plan.Rate > 0)
            {
                var inFlight = new List<Task>();
                long next = 0;
                var last = (long)(plan.Duration.TotalSeconds * plan.Rate);
                while (next < last)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    while (next < last && next / plan.Rate <= elapsed)
                    {
                        inFlight.Add(sendOne(Interlocked.Increment(ref sent) - 1));
                        next++;
                    }

                    await Task.Delay(1, cancellationToken);
                }

                await Task.WhenAll(inFlight);
            }
            else
            {
                var workers = Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(async () =>
                {
                    while (Stopwatch.GetElapsedTime(started) < plan.Duration && !cancellationToken.IsCancellationRequested)
                    {
                        await sendOne(Interlocked.Increment(ref sent) - 1);
                    }
                }, cancellationToken));
                await Task.WhenAll(workers);
            }
        }

        return (sent, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
