using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Social.LoadTest.Measuring;

/// <summary>
/// A step's sends grouped by the second they were sent in: how many, how many were delivered or
/// failed, and the delivery latency. It shows when a cold start settles, which a whole-step
/// percentile hides.
/// </summary>
public sealed class SecondBySecond(long startedAt)
{
    private readonly Lock _gate = new();
    private readonly List<Second> _seconds = [];

    public void Sent(long sentAt) => At(sentAt, second => second.Sent++);

    public void Delivered(long sentAt, double milliseconds) => At(sentAt, second => second.Latencies.Add(milliseconds));

    public void Failed(long sentAt) => At(sentAt, second => second.Failed++);

    /// <summary>A markdown table, one row per second of the step.</summary>
    public string Table()
    {
        var table = new StringBuilder();
        table.AppendLine("| second (sent in) | sent | delivered | failed | p50 / p99 / max (ms) |");
        table.AppendLine("| --: | --: | --: | --: | --- |");
        lock (_gate)
        {
            for (var i = 0; i < _seconds.Count; i++)
            {
                var second = _seconds[i];
                var latency = LatencySummary.Of([.. second.Latencies]);
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {i + 1} | {second.Sent} | {second.Latencies.Count} | {second.Failed} | {latency.P50:0.0} / {latency.P99:0.0} / {latency.Max:0.0} |"));
            }
        }

        return table.ToString();
    }

    private void At(long timestamp, Action<Second> update)
    {
        var index = (int)Math.Max(0, Stopwatch.GetElapsedTime(startedAt, timestamp).TotalSeconds);
        lock (_gate)
        {
            while (_seconds.Count <= index)
            {
                _seconds.Add(new Second());
            }

            update(_seconds[index]);
        }
    }

    private sealed class Second
    {
        public int Sent;
        public int Failed;
        public List<double> Latencies { get; } = [];
    }
}
