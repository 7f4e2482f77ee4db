using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Social.Bench;

/// <summary>One run's figures, printed as a table and optionally written as JSON.</summary>
public sealed record BenchResult(
    string Mode,
    DateTimeOffset StartedAt,
    int Pairs,
    int WarmupPairs,
    int Concurrency,
    MachineFacts Machine,
    ServerFacts Postgres,
    bool ThrowawayPostgres,
    Measurement Measurement)
{
    private LoadResult Friends => Measurement.Friends;

    /// <summary>Each pair is two operations: a request and an accept.</summary>
    public double OpsPerSecond => 2 * Friends.PerSecond;

    public double PairsPerSecond => Friends.PerSecond;

    public double CommitsPerPair => Friends.Succeeded > 0 ? (double)Measurement.Commits / Friends.Succeeded : double.NaN;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people: "+" stays "+"
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, JsonOptions, cancellationToken);
    }

    public void Print(TextWriter output)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("mode", Mode == "grains" ? "grains (in-process silo, IFriendshipGrain calls)" : "http (WebFront child process, 127.0.0.1)"),
            ("started (UTC)", StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("machine", $"{Machine.ProcessorCount} cores, {Machine.MemoryGiB:0.#} GiB, {Machine.Os}, .NET {Machine.Runtime}"),
            ("PostgreSQL", $"{Postgres.Version}{(ThrowawayPostgres ? " (throwaway)" : "")}, fsync={Postgres.Fsync}, synchronous_commit={Postgres.SynchronousCommit}"),
            ("pairs / warm-up / in flight", $"{Pairs} / {WarmupPairs} / {Concurrency}"),
        };

        if (Measurement.Registrations is { } registrations)
        {
            rows.Add(("registrations", $"{registrations.Succeeded} in {Seconds(registrations.Duration)} s = {registrations.PerSecond:0.0}/s"
                + $" (p50 {registrations.Latency.P50:0} ms, max {registrations.Latency.Max:0} ms){Failures(registrations)}"));
        }

        rows.AddRange(
        [
            ("pairs completed", $"{Friends.Succeeded} in {Seconds(Friends.Duration)} s{Failures(Friends)}{(Friends.StoppedByTimeout ? " (STOPPED BY TIMEOUT)" : "")}"),
            ("pairs/s", Friends.PerSecond.ToString("0.0", CultureInfo.InvariantCulture)),
            ("ops/s (request or accept)", OpsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)),
            ("pair latency p50 / p95 / p99 / max", string.Create(CultureInfo.InvariantCulture,
                $"{Friends.Latency.P50:0.0} / {Friends.Latency.P95:0.0} / {Friends.Latency.P99:0.0} / {Friends.Latency.Max:0.0} ms")),
            ("PostgreSQL commits", string.Create(CultureInfo.InvariantCulture, $"{Measurement.Commits} = {CommitsPerPair:0.00} per pair")),
        ]);

        if (Measurement.Cpu is { } cpu)
        {
            var parts = string.Join(", ", cpu.CoreSeconds.Select(part => string.Create(CultureInfo.InvariantCulture, $"{part.Key} {part.Value:0.0}")));
            rows.Add(("CPU during the pairs", string.Create(CultureInfo.InvariantCulture,
                $"machine {cpu.MachineBusyPercent:0}% busy ({cpu.Cores} cores x {cpu.WallSeconds:0.0} s); core-seconds: {parts}")));
        }

        var width = rows.Max(r => r.Name.Length);
        output.WriteLine();
        output.WriteLine($"| {"Friend requests".PadRight(width)} | Value");
        output.WriteLine($"| {new string('-', width)} | -----");
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"| {name.PadRight(width)} | {value}");
        }

        output.WriteLine();
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Failures(LoadResult load) => load.Failed == 0
        ? ""
        : $", {load.Failed} failed: {string.Join(", ", load.Errors.Select(e => $"{e.Key} x{e.Value}"))}";
}

public sealed record MachineFacts(int ProcessorCount, double MemoryGiB, string Os, string Runtime)
{
    public static MachineFacts Current() => new(
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024),
        RuntimeInformation.OSDescription,
        Environment.Version.ToString());
}
