using System.Diagnostics;
using System.Globalization;

namespace Social.Testing.Hosting;

/// <summary>
/// The one process watchdog: a detached shell (its own session, so killing this process's group
/// spares it) that polls this process while a guard path exists. When this process dies without
/// cleaning up (killed by a hang timeout, say), it runs a cleanup script and deletes the guard;
/// when the guard is deleted first (a normal shutdown), it exits by itself.
/// </summary>
public static class OrphanWatchdog
{
    /// <summary>
    /// Starts the watchdog. <paramref name="cleanup"/> is a POSIX shell script run with
    /// <paramref name="arguments"/> as <c>$1</c>, <c>$2</c>, … once this process is gone and
    /// <paramref name="guard"/> (a file or directory) still exists.
    /// </summary>
    public static void Start(string guard, string cleanup, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        // $1 this process, $2 the guard, then the cleanup's own arguments (shifted to $1 …).
        var script = $$"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" && [ -e "$2" ]; do sleep 1; done
            [ -e "$2" ] || exit 0
            guard="$2"
            shift 2
            {{cleanup}}
            rm -rf "$guard"
            """;
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sh", "-c", script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), guard }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the watchdog (setsid sh).");
    }
}
