using System.Diagnostics;
using System.Globalization;

namespace Social.Bench;

/// <summary>
/// Where the CPU went during the measured phase (Linux, from /proc): the whole machine, the
/// processes named by the caller, and this database's PostgreSQL backends. What the machine spent
/// beyond those is "other", which shows whether something else on the machine took a share.
/// </summary>
public sealed class CpuMeter
{
    // /proc/stat and /proc/[pid]/stat count in USER_HZ, which is 100 on every Linux platform .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly BenchDatabase _database;
    private readonly IReadOnlyDictionary<string, Func<TimeSpan>> _parts;
    private readonly long _started;
    private readonly (long Busy, long Total)? _machine;
    private readonly Dictionary<string, TimeSpan> _partsAtStart;
    private readonly Dictionary<int, long> _backendsAtStart;

    private CpuMeter(BenchDatabase database, IReadOnlyDictionary<string, Func<TimeSpan>> parts, Dictionary<int, long> backends)
    {
        _database = database;
        _parts = parts;
        _backendsAtStart = backends;
        _partsAtStart = parts.ToDictionary(p => p.Key, p => p.Value());
        _machine = ReadMachine();
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>A process's CPU time so far (user + system, all threads).</summary>
    public static TimeSpan ProcessorTimeOf(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <param name="parts">Processes to account for by name, each as a way to read its total processor time.</param>
    public static async Task<CpuMeter> StartAsync(BenchDatabase database, IReadOnlyDictionary<string, Func<TimeSpan>> parts, CancellationToken cancellationToken) =>
        new(database, parts, await BackendTicksAsync(database, cancellationToken));

    public async Task<CpuReport?> StopAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var machine = ReadMachine();
        var parts = _parts.ToDictionary(p => p.Key, p => (p.Value() - _partsAtStart[p.Key]).TotalSeconds);
        var backends = await BackendTicksAsync(_database, cancellationToken);
        if (_machine is not { } before || machine is not { } after)
        {
            return null;
        }

        // Backends that ended during the run are missed; ones that started during it count in full.
        var postgresTicks = backends.Sum(b => b.Value - _backendsAtStart.GetValueOrDefault(b.Key));
        parts["PostgreSQL backends"] = postgresTicks / TicksPerSecond;

        var busy = (after.Busy - before.Busy) / TicksPerSecond;
        var total = (after.Total - before.Total) / TicksPerSecond;
        parts["other"] = Math.Max(0, busy - parts.Values.Sum());
        return new CpuReport(wall, Environment.ProcessorCount, total > 0 ? 100 * busy / total : double.NaN, parts);
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until the machine has been nearly idle (under 25%
    /// busy) for five seconds in a row, so that other work on a shared machine does not take a share
    /// of the measured phase. Returns false when it never was.
    /// </summary>
    public static async Task<bool> WaitForQuietAsync(TimeSpan limit, TextWriter progress, CancellationToken cancellationToken)
    {
        const int QuietSecondsNeeded = 5;
        const double QuietBusyPercent = 25;
        var started = Stopwatch.GetTimestamp();
        var quietSeconds = 0;
        var announced = false;
        var previous = ReadMachine();
        while (quietSeconds < QuietSecondsNeeded)
        {
            if (previous is null || Stopwatch.GetElapsedTime(started) > limit)
            {
                return previous is null;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var current = ReadMachine();
            if (current is not { } now || previous is not { } before || now.Total == before.Total)
            {
                return true;
            }

            var busy = 100.0 * (now.Busy - before.Busy) / (now.Total - before.Total);
            previous = current;
            quietSeconds = busy < QuietBusyPercent ? quietSeconds + 1 : 0;
            if (busy >= QuietBusyPercent && !announced)
            {
                progress.WriteLine($"  the machine is busy with other work ({busy:0}%); waiting up to {limit.TotalSeconds:0} s for it to be quiet...");
                announced = true;
            }
        }

        return true;
    }

    /// <summary>Busy and total ticks of all cores, from the first line of /proc/stat.</summary>
    private static (long Busy, long Total)? ReadMachine()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user).
            var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = values[3] + values[4];
            var total = values.Sum();
            return (total - idle, total);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of each backend connected to this database, by pid.</summary>
    private static async Task<Dictionary<int, long>> BackendTicksAsync(BenchDatabase database, CancellationToken cancellationToken)
    {
        var ticks = new Dictionary<int, long>();
        foreach (var pid in await database.BackendProcessIdsAsync(cancellationToken))
        {
            try
            {
                var processDirectory = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
                if ((await File.ReadAllTextAsync($"{processDirectory}/comm", cancellationToken)).Trim() != "postgres")
                {
                    continue; // The server runs on another machine, and this pid is someone else's.
                }

                // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
                var stat = await File.ReadAllTextAsync($"{processDirectory}/stat", cancellationToken);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // Gone already, or another machine's server: not counted.
            }
        }

        return ticks;
    }
}

/// <summary>CPU over <see cref="WallSeconds"/>: the machine's busy share, and core-seconds by consumer.</summary>
public sealed record CpuReport(double WallSeconds, int Cores, double MachineBusyPercent, IReadOnlyDictionary<string, double> CoreSeconds);
