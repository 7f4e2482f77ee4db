using System.Diagnostics;

namespace Social.LoadTest.Measuring;

/// <summary>The server's memory at one moment: resident set, and the managed heap right after a forced full collection.</summary>
public sealed record MemorySnapshot(string When, long? ResidentBytes, long? ManagedHeapBytes)
{
    public static async Task<MemorySnapshot> TakeAsync(string when, int? pid, CancellationToken cancellationToken)
    {
        if (pid is not { } id)
        {
            return new MemorySnapshot(when, null, null);
        }

        // The collection first, so that the resident set is read without the garbage the heap
        // held a moment ago (the server GC gives freed segments back to the system lazily, though).
        var heap = await GcProbe.HeapAfterFullCollectionAsync(id, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        return new MemorySnapshot(when, ProcessProbe.ResidentBytes(id), heap);
    }

    public override string ToString() => FormattableString.Invariant(
        $"RSS {Mib(ResidentBytes)}, managed heap after full GC {Mib(ManagedHeapBytes)}");

    public static string Mib(long? bytes) => bytes is { } b ? FormattableString.Invariant($"{b / (1024.0 * 1024):0.0} MiB") : "n/a";
}

/// <summary>Memory per connection between two snapshots.</summary>
public sealed record PerConnection(int Connections, double? ResidentKiB, double? ManagedHeapKiB)
{
    public static PerConnection Between(MemorySnapshot before, MemorySnapshot after, int connections) => new(
        connections,
        Per(before.ResidentBytes, after.ResidentBytes, connections),
        Per(before.ManagedHeapBytes, after.ManagedHeapBytes, connections));

    private static double? Per(long? before, long? after, int connections) =>
        before is { } b && after is { } a && connections > 0 ? Math.Round((a - b) / 1024.0 / connections, 2) : null;

    public override string ToString() => FormattableString.Invariant(
        $"{(ResidentKiB is { } r ? $"{r:0.0}" : "n/a")} KiB RSS, {(ManagedHeapKiB is { } m ? $"{m:0.0}" : "n/a")} KiB managed heap per connection ({Connections} connections)");
}

/// <summary>Where the CPU went over a stretch of time: the server, PostgreSQL, this load generator, the machine.</summary>
public sealed class CpuWindow
{
    private readonly int? _serverPid;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly double _server;
    private readonly double _postgres;
    private readonly double _self;
    private readonly (long Busy, long Total) _machine;
    private readonly Dictionary<string, double> _threads;

    private CpuWindow(int? serverPid)
    {
        _serverPid = serverPid;
        _server = serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) : 0;
        _threads = serverPid is { } id ? ProcessProbe.CpuByThreadName(id) : [];
        _postgres = ProcessProbe.PostgresCpuSeconds();
        _self = ProcessProbe.CpuSeconds(Environment.ProcessId);
        _machine = ProcessProbe.MachineTicks();
    }

    public static CpuWindow Start(int? serverPid) => new(serverPid);

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var machine = ProcessProbe.MachineTicks();
        var busy = machine.Total > _machine.Total ? 100.0 * (machine.Busy - _machine.Busy) / (machine.Total - _machine.Total) : double.NaN;
        var server = _serverPid is { } pid ? ProcessProbe.CpuSeconds(pid) - _server : (double?)null;
        var threads = _serverPid is { } id
            ? ProcessProbe.CpuByThreadName(id)
                .Select(t => (t.Key, Seconds: t.Value - _threads.GetValueOrDefault(t.Key)))
                .Where(t => t.Seconds >= 0.05)
                .OrderByDescending(t => t.Seconds)
                .Take(6)
                .ToDictionary(t => t.Key, t => Math.Round(t.Seconds / wall, 2), StringComparer.Ordinal)
            : null;
        var postgres = (ProcessProbe.PostgresCpuSeconds() - _postgres) / wall;
        var self = (ProcessProbe.CpuSeconds(Environment.ProcessId) - _self) / wall;
        var measuredCores = ((server ?? 0) / wall) + postgres + self;

        // The machine is at least as busy as the processes measured in it: on this VM the kernel's
        // idle count ran ahead once (7 % busy while the relay and the generator used a third of it).
        busy = Math.Max(busy, 100 * measuredCores / Environment.ProcessorCount);
        var busyCores = busy / 100 * Environment.ProcessorCount;
        var other = Math.Max(0, busyCores - measuredCores);
        return new CpuUse(
            Math.Round(wall, 1),
            Math.Round(busy, 1),
            server is { } s ? Math.Round(s / wall, 2) : null,
            Math.Round(postgres, 2),
            Math.Round(self, 2),
            Math.Round(other, 2),
            threads);
    }
}

/// <summary>
/// CPU in cores (1.0 = one core busy the whole time): the machine's busy share in percent, the
/// server, all PostgreSQL processes, this load generator, anything else on the machine (other
/// work sharing it: a figure measured with "other" well above zero is disturbed), and the
/// server's busiest thread kinds.
/// </summary>
public sealed record CpuUse(double WallSeconds, double MachineBusyPercent, double? ServerCores, double PostgresCores, double LoadGeneratorCores,
    double OtherCores, IReadOnlyDictionary<string, double>? ServerThreadCores)
{
    public override string ToString() => FormattableString.Invariant(
        $"machine {MachineBusyPercent:0}% busy; cores: server {(ServerCores is { } s ? s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a")}, PostgreSQL {PostgresCores:0.00}, load generator {LoadGeneratorCores:0.00}, other processes {OtherCores:0.00}");

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until processes other than the server, PostgreSQL
    /// and this one have used under 0.1 core for five seconds in a row, so that other work on a
    /// shared machine does not take a share of a measurement. False when it never was quiet.
    /// </summary>
    public static async Task<bool> WaitForQuietAsync(int? serverPid, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var quiet = 0;
        var announced = false;
        while (quiet < 5)
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                return false;
            }

            var window = CpuWindow.Start(serverPid);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var use = window.Stop();
            quiet = use.OtherCores < 0.1 ? quiet + 1 : 0;
            if (quiet == 0 && !announced)
            {
                Progress.Say(FormattableString.Invariant($"  other processes use {use.OtherCores:0.00} cores; waiting up to {limit.TotalSeconds:0} s for the machine to be quiet..."));
                announced = true;
            }
        }

        return true;
    }
}
