using System.Globalization;

namespace Social.LoadTest.Measuring;

/// <summary>
/// Where a step's time went inside the server: its own histograms, read from <c>/metrics</c> at the
/// start and end of the step (the difference is the step's), so every run carries its stage
/// breakdown. Quantiles are interpolated within the histograms' buckets, so they are as coarse as
/// the buckets (1, 2.5, 5, 10, 25 ms…).
/// </summary>
public sealed class ServerStages
{
    /// <summary>The stages, by their Prometheus name, with what each one covers.</summary>
    private static readonly (string Metric, string Label, double Scale)[] Stages =
    [
        ("social_message_send_duration_seconds", "send (conversation grain: admission, seq, group commit), ms", 1000),
        ("social_message_store_batch_duration_seconds", "one group commit (write + commit), ms", 1000),
        ("social_message_store_batch_size", "rows per group commit", 1),
        ("social_message_push_duration_seconds", "push (message timestamp → event at the front), ms", 1000),
    ];

    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    // The front's refusals of sends for overload, by reason (social.messages.refused, code unavailable).
    private const string Refused = "social_messages_refused_total{";

    private readonly Dictionary<string, SortedDictionary<double, double>> _before;
    private readonly Dictionary<string, double> _shedBefore;

    private ServerStages(Scrape before) => (_before, _shedBefore) = (before.Histograms, before.Shed);

    /// <summary>Reads the histograms now; null when the server has no <c>/metrics</c> (telemetry off, the relay).</summary>
    public static async Task<ServerStages?> StartAsync(HttpClient http, Uri server, CancellationToken cancellationToken) =>
        await ScrapeAsync(http, server, cancellationToken) is { } before ? new ServerStages(before) : null;

    private sealed record Scrape(Dictionary<string, SortedDictionary<double, double>> Histograms, Dictionary<string, double> Shed);

    /// <summary>The step's quantiles per stage, one line each (empty when nothing was recorded).</summary>
    public async Task<IReadOnlyList<string>> StopAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        var scraped = await ScrapeAsync(http, server, cancellationToken);
        if (scraped is null)
        {
            return [];
        }

        var lines = new List<string>();
        var after = scraped.Histograms;
        foreach (var (metric, label, scale) in Stages)
        {
            if (!after.TryGetValue(metric, out var end))
            {
                continue;
            }

            var start = _before.GetValueOrDefault(metric) ?? [];
            var counts = end.ToDictionary(bucket => bucket.Key, bucket => bucket.Value - start.GetValueOrDefault(bucket.Key));
            var total = counts.GetValueOrDefault(double.PositiveInfinity);
            if (total <= 0)
            {
                continue;
            }

            var quantiles = string.Join(" / ", Quantiles.Select(q => Format(Quantile(counts, total, q) * scale)));
            lines.Add(FormattableString.Invariant($"{label}: p50 / p95 / p99 {quantiles} ({total:0} recorded)"));
        }

        var shed = scraped.Shed
            .Select(reason => (reason.Key, Count: reason.Value - _shedBefore.GetValueOrDefault(reason.Key)))
            .Where(reason => reason.Count > 0)
            .Select(reason => FormattableString.Invariant($"{reason.Key} {reason.Count:0}"))
            .ToList();
        lines.Add("sends shed by the front's gate, by reason: " + (shed.Count == 0 ? "none" : string.Join(", ", shed)));
        return lines;
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "> last bucket" : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);

    /// <summary>The q-quantile of cumulative bucket counts (upper bound → count at or below it), linear within a bucket.</summary>
    private static double Quantile(Dictionary<double, double> cumulative, double total, double q)
    {
        var rank = q * total;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (upper, count) in cumulative.OrderBy(bucket => bucket.Key))
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return upper;
                }

                var inBucket = count - below;
                return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below) / inBucket);
            }

            lower = upper;
            below = count;
        }

        return double.NaN;
    }

    /// <summary>Each stage's cumulative bucket counts, summed over its label sets.</summary>
    private static async Task<Scrape?> ScrapeAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            using var response = await http.GetAsync(new Uri(server, "/metrics"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        var histograms = new Dictionary<string, SortedDictionary<double, double>>(StringComparer.Ordinal);
        var shed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(Refused, StringComparison.Ordinal) && Label(line, "reason") is { } reason && Value(line) is { } refused)
            {
                shed[reason] = shed.GetValueOrDefault(reason) + refused;
            }

            foreach (var (metric, _, _) in Stages)
            {
                if (line.StartsWith(metric + "_bucket{", StringComparison.Ordinal) && Bucket(line) is { } bucket)
                {
                    var buckets = histograms.TryGetValue(metric, out var found) ? found : histograms[metric] = [];
                    buckets[bucket.UpperBound] = buckets.GetValueOrDefault(bucket.UpperBound) + bucket.Count;
                }
            }
        }

        return new Scrape(histograms, shed);
    }

    private static string? Label(string line, string name)
    {
        var start = line.IndexOf(name + "=\"", StringComparison.Ordinal);
        var end = start < 0 ? -1 : line.IndexOf('"', start + name.Length + 2);
        return end < 0 ? null : line[(start + name.Length + 2)..end];
    }

    private static double? Value(string line)
    {
        var fields = line[(line.LastIndexOf('}') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>The <c>le</c> label and the value of one bucket line, e.g. <c>name_bucket{a="b",le="0.005"} 42 1700000000</c>.</summary>
    private static (double UpperBound, double Count)? Bucket(string line)
    {
        if (Label(line, "le") is not { } bound || Value(line) is not { } count)
        {
            return null;
        }

        return (bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture), count);
    }
}
