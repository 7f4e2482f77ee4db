using System.Globalization;
using Social.Testing.Hosting;

namespace Social.Cluster.Tests;

/// <summary>
/// Kills the silos and fronts a test started if the test process itself dies without cleaning up
/// (killed by a hang timeout, say): the shared <see cref="OrphanWatchdog"/> guards a file of pids
/// and SIGKILLs each one that still runs a Social dll. <see cref="Dispose"/> deletes the file.
/// </summary>
public sealed class ProcessWatchdog : IDisposable
{
    private const string Cleanup = """
        while read -r pid; do
          grep -q "Social\." "/proc/$pid/cmdline" && kill -9 "$pid"
        done < "$guard"
        """;

    private readonly string _pidFile;
    private readonly Lock _gate = new();

    public ProcessWatchdog()
    {
        _pidFile = Path.Combine(Path.GetTempPath(), $"social-cluster-test-{Guid.NewGuid():N}.pids");
        File.WriteAllText(_pidFile, "");
        OrphanWatchdog.Start(_pidFile, Cleanup);
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
