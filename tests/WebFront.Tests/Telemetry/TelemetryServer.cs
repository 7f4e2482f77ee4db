using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Social.Testing;

namespace Social.WebFront.Tests.Telemetry;

/// <summary>
/// The real server on Kestrel and PostgreSQL (so group commits and Npgsql are real), with every
/// finished span also kept in memory, and one failed login per username allowed (so the login
/// throttle's refusals show up at once).
/// </summary>
public sealed class TelemetryServer : IAsyncLifetime, IDisposable
{
    private Factory? _factory;

    public SpanCollection Spans { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("telemetry");
        _factory = new Factory(connectionString, Spans);
        _factory.Start();
        BaseAddress = _factory.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    public void Dispose() => _factory?.Dispose();

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>The front's <c>/metrics</c>, parsed.</summary>
    public async Task<Scrape> ScrapeAsync()
    {
        using var client = CreateClient();
        return Scrape.Parse(await client.GetStringAsync("/metrics"));
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (10 s at most), and returns the last scrape.</summary>
    public async Task<Scrape> ScrapeUntilAsync(Func<Scrape, bool> done)
    {
        var scrape = await ScrapeAsync();
        try
        {
            await Eventually.WaitUntilAsync(async () => done(scrape = await ScrapeAsync()), "the scrape shows what the test waits for", TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // The caller asserts on the last scrape, which says what is missing.
        }

        return scrape;
    }

    private sealed class Factory(string connectionString, SpanCollection spans) : SocialApiFactory(connectionString, new Dictionary<string, string?>
    {
        ["Social:RateLimits:FailedLoginsPerWindow"] = "1",

        // The exporter below is the host's own, not an OTLP endpoint.
        ["Social:Telemetry:Traces"] = "true",
    })
    {
        public void Start() => StartKestrel();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        }
    }
}

/// <summary>Finished spans, safe to read while the exporter adds to it.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_gate)
        {
            return [.. _spans];
        }
    }

    public void Add(Activity item)
    {
        lock (_gate)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_gate)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One Prometheus text exposition: series (name and labels) and their values.</summary>
public sealed partial class Scrape
{
    private readonly List<(string Name, string Labels, double Value)> _series;

    private Scrape(string text, List<(string, string, double)> series)
    {
        Text = text;
        _series = series;
    }

    public string Text { get; }

    /// <summary>Metric family names: series names, and histograms' names without <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.</summary>
    public IReadOnlySet<string> Names => _series
        .SelectMany(series => new[] { series.Name, HistogramSuffix().Replace(series.Name, "") })
        .ToHashSet(StringComparer.Ordinal);

    public static Scrape Parse(string text)
    {
        var series = new List<(string, string, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SeriesLine().Match(line);
            if (match.Success && double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series.Add((match.Groups["name"].Value, match.Groups["labels"].Value, value));
            }
        }

        return new Scrape(text, series);
    }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels contain every one of <paramref name="labels"/> (<c>code="not_friends"</c>).</summary>
    public double Sum(string name, params string[] labels) => _series
        .Where(series => series.Name == name && labels.All(label => series.Labels.Contains(label, StringComparison.Ordinal)))
        .Sum(series => series.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SeriesLine();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
