using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.LoadTest.Modes;

namespace Social.LoadTest;

public sealed record MachineFacts(int ProcessorCount, double MemoryGiB, string Os, string Runtime)
{
    public static MachineFacts Current() => new(
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.OSDescription,
        Environment.Version.ToString());
}

/// <summary>One run: what was run, where, and what it measured; printed as tables and written as JSON.</summary>
public sealed record RunReport(string Mode, string CommandLine, DateTimeOffset StartedAt, MachineFacts Machine, DatabaseFacts? Database, string Note, object Result)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, JsonOptions, cancellationToken);
    }

    public void Print(TextWriter output)
    {
        var rows = new List<(string, string)>
        {
            ("mode", Mode),
            ("command", CommandLine),
            ("started (UTC)", StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("machine", FormattableString.Invariant($"{Machine.ProcessorCount} cores, {Machine.MemoryGiB:0.#} GiB, {Machine.Os}, .NET {Machine.Runtime}")),
            ("database", Database is null ? "n/a" : $"{Database.Kind}{(Database.Version is null ? "" : $", PostgreSQL {Database.Version}, fsync={Database.Fsync}, synchronous_commit={Database.SynchronousCommit}")}"),
            ("note", Note),
        };

        switch (Result)
        {
            case SignalRResult signalR:
                AddSignalR(rows, signalR);
                break;
            case GrainsResult grains:
                rows.Add(("friend pairs (grain calls)", Phase(grains.Pairing)));
                AddSends(rows, grains.Sends, "the load generator is the silo here");
                break;
            case FirstMessagesResult first:
                rows.Add(("friend pairs (grain calls)", Phase(first.Pairing)));
                foreach (var round in first.Rounds)
                {
                    rows.Add((round.Name, round.ToString()));
                }

                break;
            case RestResult rest:
                rows.Add(("registrations", Phase(rest.Registration)));
                rows.Add(("friend pairs", Phase(rest.Pairing)));
                AddSends(rows, rest.Sends, "server = WebFront with its in-process silo");
                break;
            case FriendsResult friends:
                if (friends.Registration is { } registration)
                {
                    rows.Add(("registrations", Phase(registration)));
                }

                rows.Add(("warm-up pairs", Phase(friends.Warmup)));
                rows.Add(("request + accept pairs", Phase(friends.Pairs)));
                rows.Add(("friend operations/s", FormattableString.Invariant($"{2 * friends.Pairs.PerSecond:0.0}")));
                rows.Add(("PostgreSQL commits", friends.Commits is { } commits ? FormattableString.Invariant($"{commits} = {friends.CommitsPerPair:0.0} per pair") : "n/a"));
                rows.Add(("CPU", friends.Cpu.ToString()));
                break;
            case IdleResult idle:
                AddIdle(rows, idle);
                break;
        }

        Table(output, "Load test", rows);
        if (Result is SignalRResult { Steps.Count: > 0 } withSteps)
        {
            StepTable(output, withSteps.Steps);
            foreach (var step in withSteps.Steps.Where(s => s.Timeline is not null))
            {
                output.WriteLine();
                output.WriteLine($"{step.Name}, second by second:");
                output.WriteLine();
                output.Write(step.Timeline);
            }
        }
    }

    private static void AddSignalR(List<(string, string)> rows, SignalRResult r)
    {
        rows.Add(("registrations", Phase(r.Registration)));
        rows.Add(("friend pairs", Phase(r.Pairing)));
        rows.Add(("connections opened", Phase(r.Connecting)));
        rows.Add(("connections held at the end", r.ConnectionsHeldAtEnd.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("server memory before connecting", r.BeforeConnecting.ToString()));
        rows.Add(("server memory connected (idle)", r.Connected.ToString()));
        rows.Add(("server memory after the load", r.AfterLoad.ToString()));
        rows.Add(("server memory per connection", r.MemoryPerConnection.ToString()));
        rows.Add(("server peak RSS", MemorySnapshot.Mib(r.PeakResidentBytes)));
        rows.Add(("acknowledged sends (all steps + warm-up)", r.Acknowledged.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("of them found in PostgreSQL", r.StoredInPostgres?.ToString(CultureInfo.InvariantCulture) ?? "n/a"));
        rows.Add(("connection errors", Errors(r.ConnectionErrors)));
        foreach (var step in r.Steps)
        {
            rows.Add(($"[{step.Name}] errors", Errors(step.Errors)));
            rows.Add(($"[{step.Name}] CPU", step.Cpu + (step.Cpu.ServerThreadCores is { Count: > 0 } threads
                ? "; server threads: " + string.Join(", ", threads.Select(t => FormattableString.Invariant($"{t.Key} {t.Value:0.00}")))
                : "")));
            if (step.ServerGc is { } gc)
            {
                rows.Add(($"[{step.Name}] server GC", FormattableString.Invariant(
                    $"{gc.Gen0}/{gc.Gen1}/{gc.Gen2} collections (gen0/1/2), paused {gc.PausedMs:0} ms = {gc.PausedPercent:0.0}% of the time, longest {gc.LongestPauseMs:0.0} ms")));
            }

            foreach (var stage in step.ServerStages)
            {
                rows.Add(($"[{step.Name}] server stage", stage));
            }
        }
    }

    private static void AddSends(List<(string, string)> rows, DurableSends r, string cpuNote)
    {
        rows.Add(("sends", FormattableString.Invariant($"{r.Sent} in {r.Seconds:0.0} s, {r.Stored} answered (= committed)")));
        rows.Add(("durable messages/s", r.StoredPerSecond.ToString("0", CultureInfo.InvariantCulture)));
        rows.Add(("send latency p50 / p95 / p99 / max", r.SendLatency.ToString()));
        rows.Add(("found in PostgreSQL", r.StoredInPostgres?.ToString(CultureInfo.InvariantCulture) ?? "n/a"));
        rows.Add(("PostgreSQL commits", r.PostgresCommits is { } c && r.Stored > 0
            ? FormattableString.Invariant($"{c} = {(double)c / r.Stored:0.0000} commits per message ({(double)r.Stored / Math.Max(1, c):0.0} messages per commit)")
            : "n/a"));
        rows.Add(("CPU", $"{r.Cpu} ({cpuNote})"));
        rows.Add(("errors", Errors(r.Errors)));
    }

    private static void AddIdle(List<(string, string)> rows, IdleResult r)
    {
        rows.Add(("transport", r.Transport == IdleTransport.Ws ? "raw WebSocket /ws/messages" : "SignalR /hubs/messages"));
        rows.Add(("users", r.Users.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("connections opened", Phase(r.Connecting)));
        rows.Add(("held after the hold", r.HeldAfterHold.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("server memory before", r.Before.ToString()));
        rows.Add(("server memory connected", r.Connected.ToString()));
        rows.Add(("server memory after the hold", r.AfterHold.ToString()));
        rows.Add(("server memory after closing", r.AfterClosing.ToString()));
        rows.Add(("per connection (connected)", r.PerConnection.ToString()));
        rows.Add(("per connection (after the hold)", r.PerConnectionAfterHold.ToString()));
        rows.Add(("CPU while holding", r.HoldCpu.ToString()));
        rows.Add(("errors", Errors(r.Errors)));
    }

    private static string Phase(Clients.SetupPhase phase) => FormattableString.Invariant(
        $"{phase.Succeeded}/{phase.Attempted} in {phase.Seconds:0.0} s = {phase.PerSecond:0.0}/s (p50 {phase.Latency.P50:0} ms, max {phase.Latency.Max:0} ms){(phase.Errors.Count == 0 ? "" : "; " + Errors(phase.Errors))}");

    private static string Errors(SortedDictionary<string, int> errors) =>
        errors.Count == 0 ? "none" : string.Join("; ", errors.Select(e => $"{e.Key} x{e.Value.ToString(CultureInfo.InvariantCulture)}"));

    private static void Table(TextWriter output, string title, List<(string Name, string Value)> rows)
    {
        var width = rows.Max(r => r.Name.Length);
        output.WriteLine();
        output.WriteLine($"| {title.PadRight(width)} | Value");
        output.WriteLine($"| {new string('-', width)} | -----");
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"| {name.PadRight(width)} | {value}");
        }
    }

    private static void StepTable(TextWriter output, IReadOnlyList<StepResult> steps)
    {
        output.WriteLine();
        output.WriteLine("| offered/s | per-user interval | sent/s | delivered/s | delivered | not delivered | latency p50 / p95 / p99 / max (ms) | ack p99 (ms) | errors | server / PG / generator / other cores | machine busy |");
        output.WriteLine("| --------: | ----------------: | -----: | ----------: | --------: | ------------: | ---------------------------------- | -----------: | -----: | ------------------------------------- | -----------: |");
        foreach (var s in steps)
        {
            output.WriteLine(FormattableString.Invariant(
                $"| {s.OfferedPerSecond:0} | {s.PerUserIntervalSeconds:0.###} s | {s.SentPerSecond:0} | {s.DeliveredPerSecond:0} | {s.Delivered}/{s.Sent} | {s.NotDelivered} | {s.DeliveryLatency.P50:0.0} / {s.DeliveryLatency.P95:0.0} / {s.DeliveryLatency.P99:0.0} / {s.DeliveryLatency.Max:0} | {s.AcknowledgeLatency.P99:0.0} | {s.Errors.Values.Sum()} | {s.Cpu.ServerCores:0.00} / {s.Cpu.PostgresCores:0.00} / {s.Cpu.LoadGeneratorCores:0.00} / {s.Cpu.OtherCores:0.00} | {s.Cpu.MachineBusyPercent:0}% |"));
        }

        output.WriteLine();
    }
}
