using System.Collections.Concurrent;
using System.Diagnostics;

namespace Social.Bench;

/// <summary>What one load phase measured.</summary>
public sealed record LoadResult(
    int Attempted,
    int Succeeded,
    TimeSpan Duration,
    LatencySummary Latency,
    IReadOnlyDictionary<string, int> Errors,
    bool StoppedByTimeout)
{
    public int Failed => Attempted - Succeeded;

    /// <summary>Successful items per second of wall-clock time.</summary>
    public double PerSecond => Duration > TimeSpan.Zero ? Succeeded / Duration.TotalSeconds : 0;
}

/// <summary>Latency percentiles in milliseconds (nearest rank), over successful items only.</summary>
public sealed record LatencySummary(double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(double.NaN, double.NaN, double.NaN, double.NaN);
        }

        milliseconds.Sort();
        double At(double percentile) => milliseconds[Math.Clamp((int)Math.Ceiling(percentile / 100 * milliseconds.Count) - 1, 0, milliseconds.Count - 1)];
        return new LatencySummary(At(50), At(95), At(99), milliseconds[^1]);
    }
}

/// <summary>Runs <c>count</c> items with a fixed number in flight: each worker takes the next index as soon as its item ends.</summary>
public static class Load
{
    /// <summary>
    /// Runs <paramref name="item"/> for indexes 0..count-1, <paramref name="concurrency"/> at a time. An
    /// item returns null on success or a short description of why it failed; exceptions are failures
    /// too. When <paramref name="cancellationToken"/> fires, no new item starts and the result says so.
    /// </summary>
    public static async Task<LoadResult> RunAsync(
        int count, int concurrency, Func<int, CancellationToken, Task<string?>> item, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var attempted = 0;

        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int index;
            while (!cancellationToken.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < count)
            {
                Interlocked.Increment(ref attempted);
                var itemStarted = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    error = await item(index, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    error = "stopped by timeout";
                }
                catch (Exception exception)
                {
                    error = Describe(exception);
                }

                if (error is null)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(itemStarted).TotalMilliseconds);
                }
                else
                {
                    errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                }
            }
        }, CancellationToken.None)).ToList();

        await Task.WhenAll(workers);
        var duration = Stopwatch.GetElapsedTime(started);

        return new LoadResult(attempted, latencies.Count, duration, LatencySummary.Of([.. latencies]),
            new SortedDictionary<string, int>(errors, StringComparer.Ordinal), cancellationToken.IsCancellationRequested);
    }

    /// <summary>The exception's type and the first line of its message, short enough to group failures by.</summary>
    private static string Describe(Exception exception)
    {
        var message = exception.Message.Split('\n', 2)[0].Trim();
        var text = $"{exception.GetType().Name}: {message}";
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}
