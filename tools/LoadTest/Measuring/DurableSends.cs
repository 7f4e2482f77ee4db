using System.Diagnostics;

namespace Social.LoadTest.Measuring;

/// <summary>What a measured stretch of durable sends did: an answered send is a committed message.</summary>
public sealed record DurableSends(
    double Seconds,
    long Sent,
    long Stored,
    double StoredPerSecond,
    LatencySummary SendLatency,
    SortedDictionary<string, int> Errors,
    long? StoredInPostgres,
    long? PostgresCommits,
    CpuUse Cpu)
{
    /// <summary>
    /// Warm-up (unmeasured, its own client ids), a wait for the machine to go quiet, then the
    /// measured stretch; afterwards PostgreSQL's commit count and the rows the run stored.
    /// <paramref name="send"/> sends message number n with the given client id prefix and returns
    /// null when it was acknowledged, else why not; its time is the send's latency.
    /// </summary>
    public static async Task<DurableSends> MeasureAsync(
        SendPlan plan, TimeSpan warmup, TimeSpan quietWait, string runTag, string? connectionString, int? serverPid,
        Func<string, long, CancellationToken, Task<string?>> send, CancellationToken cancellationToken)
    {
        if (warmup > TimeSpan.Zero)
        {
            Progress.Say($"Warm-up {warmup.TotalSeconds:0} s...");
            await DriveAsync(plan with { Duration = warmup }, runTag + "w.", send, new LatencyRecorder(), new ErrorCounter(), cancellationToken);
        }

        if (quietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(serverPid, quietWait, cancellationToken))
        {
            Progress.Say("  still not quiet; measuring anyway (see \"other\" in the CPU figures).");
        }

        var prefix = runTag + ".";
        long? commitsBefore = connectionString is null ? null : await PostgresCounters.CommitCountAsync(connectionString, cancellationToken);
        var latencies = new LatencyRecorder();
        var errors = new ErrorCounter();
        var cpu = CpuWindow.Start(serverPid);
        var (sent, seconds) = await DriveAsync(plan, prefix, send, latencies, errors, cancellationToken);
        var cpuUse = cpu.Stop();

        long? commits = null, stored = null;
        if (connectionString is not null)
        {
            // PostgreSQL publishes a backend's counters when it goes idle, at most once a second, and
            // an idle backend's pending ones after 10 s: wait that out before reading them.
            await Task.Delay(TimeSpan.FromSeconds(11), cancellationToken);
            commits = await PostgresCounters.CommitCountAsync(connectionString, cancellationToken) - commitsBefore;
            stored = await PostgresCounters.CountStoredMessagesAsync(connectionString, prefix, cancellationToken);
        }

        var latency = latencies.Summarize();
        return new DurableSends(Math.Round(seconds, 2), sent, latency.Count, Math.Round(latency.Count / seconds, 1), latency,
            errors.Snapshot(), stored, commits, cpuUse);
    }

    private static Task<(long Sent, double Seconds)> DriveAsync(
        SendPlan plan, string prefix, Func<string, long, CancellationToken, Task<string?>> send,
        LatencyRecorder latencies, ErrorCounter errors, CancellationToken cancellationToken) =>
        SendPacer.RunAsync(plan, async n =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (await send(prefix, n, cancellationToken) is { } error)
                {
                    errors.Add(error);
                }
                else
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                errors.Add("send", exception);
            }
        }, (sent, elapsed) => FormattableString.Invariant(
            $"{elapsed:0}/{plan.Duration.TotalSeconds:0} s: sent {sent}, stored {latencies.Count} ({latencies.Count / Math.Max(0.001, elapsed):0}/s), errors {errors.Total}"),
            cancellationToken);
}
