using System.Diagnostics;
using System.Globalization;

namespace Social.Cluster.Tests;

/// <summary>
/// Kills the silos and fronts a test started if the test process itself dies without cleaning up
/// (killed by a hang timeout, say): a detached shell, in its own session, polls this process and
/// then SIGKILLs every pid listed in a file, after checking that the pid still runs a Social dll.
/// It exits by itself once the file is deleted, which <see cref="Dispose"/> does.
/// </summary>
public sealed class ProcessWatchdog : IDisposable
{
    // $1 test process id, $2 pid file ("PID" per line).
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" && [ -f "$2" ]; do sleep 1; done
        [ -f "$2" ] || exit 0
        while read -r pid; do
          grep -q "Social\." "/proc/$pid/cmdline" && kill -9 "$pid"
        done < "$2"
        rm -f "$2"
        """;

    private readonly string _pidFile;
    private readonly Lock _gate = new();

    public ProcessWatchdog()
    {
        _pidFile = Path.Combine(Path.GetTempPath(), $"social-cluster-test-{Guid.NewGuid():N}.pids");
        File.WriteAllText(_pidFile, "");
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sh", "-c", Script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _pidFile })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the process watchdog (setsid sh).");
    }

    public void Watch(int processId)
    {
        lock (_gate)
        {
            File.AppendAllText(_pidFile, processId.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            File.Delete(_pidFile);
        }
    }
}
