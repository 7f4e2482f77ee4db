using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// <c>deploy/run-local.sh</c> itself, run the way an operator runs it (PostgreSQL, two silos, two
/// fronts), on the Debug builds the test project already built. The script is started with
/// <c>--for</c>, so it stops everything by itself even if this test process dies; disposing runs
/// <c>run-local.sh stop</c> and checks that every process it started is gone.
/// </summary>
public sealed partial class RunLocalScript : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private const int LogTailLines = 80;

    private readonly Process _script;
    private readonly string _directory;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];

    private RunLocalScript(Process script, string directory, ITestOutputHelper output)
    {
        _script = script;
        _directory = directory;
        _output = output;
    }

    public Uri Front1 { get; private set; } = null!;

    public Uri Front2 { get; private set; } = null!;

    /// <summary>The pids the script printed: silo1, silo2, front1, front2.</summary>
    public IReadOnlyDictionary<string, int> Pids { get; private set; } = new Dictionary<string, int>();

    public static async Task<RunLocalScript> StartAsync(ITestOutputHelper output, int runForSeconds)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"social-run-local-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "run-local.sh"), "--no-build", "--configuration", ServiceProcess.Configuration,
                     "--for", runForSeconds.ToString(CultureInfo.InvariantCulture), "--dir", directory,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var script = new RunLocalScript(Process.Start(start) ?? throw new InvalidOperationException("Could not start bash."), directory, output);
        try
        {
            await script.WaitUntilReadyAsync();
            return script;
        }
        catch
        {
            await script.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        var errors = Task.Run(async () =>
        {
            while (await _script.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                Note("stderr: " + line);
            }
        }, CancellationToken.None);

        var fronts = new Dictionary<string, Uri>(StringComparer.Ordinal);
        while (await _script.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            Note(line);
            if (FrontLine().Match(line) is { Success: true } front)
            {
                fronts[front.Groups["name"].Value] = new Uri(front.Groups["url"].Value);
            }
            else if (PidsLine().Match(line) is { Success: true } pids)
            {
                Pids = pids.Groups["pair"].Captures
                    .Select(capture => capture.Value.Split('='))
                    .ToDictionary(pair => pair[0], pair => int.Parse(pair[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
                Front1 = fronts["front1"];
                Front2 = fronts["front2"];
                // Keep draining stdout so the script never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await _script.StandardOutput.ReadLineAsync(CancellationToken.None) is { } more)
                    {
                        Note(more);
                    }
                }, CancellationToken.None);
                return;
            }
        }

        await errors;
        throw new InvalidOperationException($"run-local.sh ended before it was ready:\n{string.Join('\n', Lines)}");
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Runs <c>run-local.sh stop</c>, then checks that the script and all four processes have ended.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            NoteLogTails();
            var stop = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "run-local.sh"), "stop", "--dir", _directory })
            {
                stop.ArgumentList.Add(argument);
            }

            using (var stopping = Process.Start(stop)!)
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            {
                await stopping.WaitForExitAsync(timeout.Token);
                Note("stop: " + (await stopping.StandardOutput.ReadToEndAsync(timeout.Token)).Trim());
            }

            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await _script.WaitForExitAsync(timeout.Token);
            }
        }
        finally
        {
            if (!_script.HasExited)
            {
                _script.Kill(entireProcessTree: true);
            }

            _script.Dispose();
            foreach (var line in Lines)
            {
                _output.WriteLine(line);
            }
        }
    }

    /// <summary>Keeps the end of each service log, since <c>run-local.sh stop</c> deletes the run directory.</summary>
    private void NoteLogTails()
    {
        var logs = Path.Combine(_directory, "logs");
        if (!Directory.Exists(logs))
        {
            return;
        }

        foreach (var log in Directory.GetFiles(logs, "*.log").Order(StringComparer.Ordinal))
        {
            try
            {
                var lines = File.ReadAllLines(log);
                Note($"--- last {Math.Min(lines.Length, LogTailLines)} lines of {Path.GetFileName(log)} ---");
                foreach (var line in lines.TakeLast(LogTailLines))
                {
                    Note(line);
                }
            }
            catch (IOException exception)
            {
                Note($"--- could not read {Path.GetFileName(log)}: {exception.Message} ---");
            }
        }
    }

    /// <summary>Whether the process with this pid still runs (and is not a zombie).</summary>
    public static bool IsRunning(int pid)
    {
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadLines(status).Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains('Z', StringComparison.Ordinal));
    }

    private void Note(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    [GeneratedRegex(@"^\s+(?<name>front[12])\s+(?<url>http://127\.0\.0\.1:\d+)\s*$")]
    private static partial Regex FrontLine();

    [GeneratedRegex(@"^\s+pids\s+(?:(?<pair>\w+=\d+)\s*)+$")]
    private static partial Regex PidsLine();
}
