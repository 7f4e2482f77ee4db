using System.Globalization;

namespace Social.LoadTest.Measuring;

/// <summary>What /proc says about processes (Linux): memory, CPU time, CPU by thread name.</summary>
public static class ProcessProbe
{
    // /proc counts CPU in USER_HZ, 100 on every Linux platform .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Resident set size in bytes (VmRSS), or null when the process is gone.</summary>
    public static long? ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>Peak resident set size in bytes (VmHWM).</summary>
    public static long? PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>User + system CPU seconds of a process so far (all its threads, living ones and ended ones).</summary>
    public static double CpuSeconds(int pid) => Ticks($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat") / TicksPerSecond;

    /// <summary>CPU seconds of every process whose command is <c>postgres</c> (server, backends, WAL writer, checkpointer).</summary>
    public static double PostgresCpuSeconds()
    {
        double total = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "postgres")
                {
                    total += Ticks(Path.Combine(directory, "stat")) / TicksPerSecond;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone in the meantime.
            }
        }

        return total;
    }

    /// <summary>
    /// CPU seconds by thread name (digits removed, so ".NET TP Worker" threads add up), for threads
    /// alive now. A delta between two readings shows where a process spent its time.
    /// </summary>
    public static Dictionary<string, double> CpuByThreadName(int pid)
    {
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        var tasks = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
        if (!Directory.Exists(tasks))
        {
            return byName;
        }

        foreach (var directory in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                var name = new string(File.ReadAllText(Path.Combine(directory, "comm")).Trim().Where(c => !char.IsAsciiDigit(c)).ToArray()).Trim();
                byName[name] = byName.GetValueOrDefault(name) + (Ticks(Path.Combine(directory, "stat")) / TicksPerSecond);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The thread ended in the meantime.
            }
        }

        return byName;
    }

    /// <summary>Busy and total CPU ticks of the machine (first line of /proc/stat).</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + values[4];
        var total = values.Sum();
        return (total - idle, total);
    }

    /// <summary>The soft limit on open files of this process (children inherit it).</summary>
    public static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }

        return long.MaxValue;
    }

    private static long? StatusKilobytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static long Ticks(string statPath)
    {
        try
        {
            // The command (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var stat = File.ReadAllText(statPath);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
