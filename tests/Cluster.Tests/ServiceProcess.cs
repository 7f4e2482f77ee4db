using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Social.Cluster.Tests;

/// <summary>
/// One already-built Social process (<c>dotnet Social.Silo.dll</c> or <c>Social.WebFront.dll</c>)
/// with its console log kept in memory, one line per entry.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly Stopwatch _clock;

    private ServiceProcess(string name, Process process, Stopwatch clock)
    {
        Name = name;
        _process = process;
        _clock = clock;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The log lines so far, each prefixed with the seconds since the cluster started.</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>The repository root, found from this assembly's folder (tests/Cluster.Tests/bin/CONFIG/TFM/).</summary>
    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    /// <summary>Debug or Release: the configuration this test assembly was built in, and so the projects it references.</summary>
    public static string Configuration { get; } =
        typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built dll of <c>src/{project}</c>, built by <c>dotnet test</c> through the ProjectReference.</summary>
    public static string DllOf(string project, string assemblyName)
    {
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build the solution first (dotnet build Social.sln -c {Configuration}).", path);
    }

    public static ServiceProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments, Stopwatch clock)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            // The build folder is the content root, so the process reads its own appsettings.json.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        process.StandardInput.Close();
        return new ServiceProcess(name, process, clock);
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would, and waits until it is gone.</summary>
    /// <summary>True once the test killed it on purpose (so its exit is no start-up failure).</summary>
    public bool WasKilled { get; private set; }

    public void Kill()
    {
        WasKilled = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>Freezes or thaws the process (SIGSTOP / SIGCONT): a hung silo.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit(5_000);
    }

    /// <summary>Log lines at warning level or above (and anything not from the logger, such as a crash), the last <paramref name="max"/>.</summary>
    public IEnumerable<string> Problems(int max) =>
        _log.Where(line => !line.Contains(" info: ", StringComparison.Ordinal) && !line.Contains(" dbug: ", StringComparison.Ordinal)).TakeLast(max);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue($"[{_clock.Elapsed.TotalSeconds,7:F2}s {Name}] {line}");
        }
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
