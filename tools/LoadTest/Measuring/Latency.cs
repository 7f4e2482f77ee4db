using System.Collections.Concurrent;

namespace Social.LoadTest.Measuring;

/// <summary>Latencies in milliseconds, collected from many threads.</summary>
public sealed class LatencyRecorder
{
    private readonly Lock _gate = new();
    private readonly List<double> _milliseconds = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _milliseconds.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_gate)
        {
            _milliseconds.Add(milliseconds);
        }
    }

    public LatencySummary Summarize()
    {
        double[] values;
        lock (_gate)
        {
            values = [.. _milliseconds];
        }

        return LatencySummary.Of(values);
    }
}

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
public sealed record LatencySummary(int Count, double Mean, double P50, double P95, double P99, double P999, double Max)
{
    public static LatencySummary Of(double[] milliseconds)
    {
        if (milliseconds.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(milliseconds);
        double At(double percentile) =>
            Math.Round(milliseconds[Math.Clamp((int)Math.Ceiling(percentile / 100 * milliseconds.Length) - 1, 0, milliseconds.Length - 1)], 2);
        return new LatencySummary(milliseconds.Length, Math.Round(milliseconds.Average(), 2), At(50), At(95), At(99), At(99.9), Math.Round(milliseconds[^1], 2));
    }

    public override string ToString() => FormattableString.Invariant($"{P50:0.0} / {P95:0.0} / {P99:0.0} / {Max:0.0} ms");
}

/// <summary>Failures counted by kind ("send: rate_limited", "connect: HttpRequestException ...").</summary>
public sealed class ErrorCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public void Add(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Add(string step, Exception exception) => Add($"{step}: {Describe(exception)}");

    public SortedDictionary<string, int> Snapshot() => new(_counts, StringComparer.Ordinal);

    /// <summary>The exception's type and the first line of its message, short enough to group by.</summary>
    public static string Describe(Exception exception)
    {
        if (exception is Microsoft.AspNetCore.SignalR.HubException hub)
        {
            // The contract: a refused rule's message starts with its code. The client sees it
            // behind SignalR's "An unexpected error occurred invoking 'X' on the server. HubException: ".
            const string Marker = "HubException: ";
            var refusal = hub.Message.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0 ? hub.Message[(at + Marker.Length)..] : hub.Message;
            return "HubException " + refusal.Split(':', 2)[0];
        }

        var message = exception.Message.Split('\n', 2)[0].Trim();
        var text = $"{exception.GetType().Name}: {message}";
        return text.Length <= 160 ? text : text[..160] + "...";
    }
}
