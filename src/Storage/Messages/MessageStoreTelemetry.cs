using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Social.Storage.Messages;

/// <summary>
/// The message store's group commits, on the meter <c>Social</c> (the grains' instruments are in
/// <c>Social.Grains.Telemetry.SocialMetrics</c>): one recording per batch, never per message. A
/// batch is also a span of the activity source <see cref="SourceName"/>, the child of the first
/// message's trace and linked to the others', so each message's trace reaches its INSERT.
/// </summary>
internal static class MessageStoreTelemetry
{
    public const string SourceName = "Social.Storage";

    private static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new("Social");

    private static readonly Counter<long> Committed = Meter.CreateCounter<long>(
        "social.messages.committed", "{message}", "Message rows committed by the message store's group commits.");

    private static readonly Histogram<long> BatchSize = Meter.CreateHistogram(
        "social.message_store.batch.size", "{message}", "Rows per group commit.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] });

    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram(
        "social.message_store.batch.duration", "s", "Time to write and commit one group-commit batch (with its retry or separation of rejected rows).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10] });

    /// <summary>A timestamp to pass to <see cref="BatchWritten"/>; zero when nothing listens.</summary>
    public static long Start() => BatchDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>One batch of <paramref name="rows"/> rows written, of which <paramref name="committed"/> committed.</summary>
    public static void BatchWritten(long started, int rows, int committed)
    {
        BatchSize.Record(rows);
        Committed.Add(committed);
        if (started != 0)
        {
            BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The caller's trace, to be carried to its batch; default when no one traces.</summary>
    public static ActivityContext CurrentTrace() =>
        Source.HasListeners() && Activity.Current is { } current ? current.Context : default;

    /// <summary>Starts the span of one batch, or returns null when no one traces.</summary>
    public static Activity? StartBatch<T>(IReadOnlyList<T> appends, Func<T, ActivityContext> traceOf)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        foreach (var append in appends)
        {
            var trace = traceOf(append);
            if (trace == default)
            {
                continue;
            }

            if (parent == default)
            {
                parent = trace;
            }
            else if (trace.TraceId != parent.TraceId)
            {
                (links ??= []).Add(new ActivityLink(trace));
            }
        }

        var activity = Source.StartActivity("message_store.batch", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("social.message_store.batch.size", appends.Count);
        return activity;
    }
}
