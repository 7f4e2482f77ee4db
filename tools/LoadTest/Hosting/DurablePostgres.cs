using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Social.LoadTest.Hosting;

/// <summary>
/// A PostgreSQL server of this run's own, in a temporary directory on a free loopback port, set
/// up the way a production server is as far as durability goes: <c>fsync=on</c>,
/// <c>synchronous_commit=on</c>, <c>full_page_writes=on</c> (unless the run asks for a
/// non-durable one to compare). As root it runs as the <c>postgres</c> OS user (PostgreSQL refuses
/// root). Disposing it stops it and deletes the directory; a detached watchdog does the same if
/// this process is killed.
/// </summary>
public sealed class DurablePostgres : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private readonly string? _runAs;
    private int _stopped;

    private DurablePostgres(string root, string binDirectory, string? runAs)
    {
        Root = root;
        _binDirectory = binDirectory;
        _runAs = runAs;
    }

    public string Root { get; }

    public int Port { get; private set; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = OsUser,
        Database = "social",
        Timeout = 30,
    }.ConnectionString;

    private string DataDirectory => Path.Combine(Root, "data");

    private string PgCtl => Path.Combine(_binDirectory, "pg_ctl");

    /// <param name="durable">False: fsync, synchronous_commit and full_page_writes off, for comparison only.</param>
    public static async Task<DurablePostgres> StartAsync(bool durable, CancellationToken cancellationToken)
    {
        var binDirectory = FindBinDirectory();
        var runAs = Environment.IsPrivilegedProcess ? OsUser : null;
        var root = Path.Combine(Path.GetTempPath(), $"social-loadtest-pg-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(root);
        var server = new DurablePostgres(root, binDirectory, runAs);
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [runAs, root], null, cancellationToken);
            }

            server.StartWatchdog();
            await RunAsync(Path.Combine(binDirectory, "initdb"),
                ["-D", server.DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"], runAs, cancellationToken);
            await server.StartServerAsync(durable, cancellationToken);
            await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ConnectionString);
            await using var create = admin.CreateCommand("CREATE DATABASE social");
            await create.ExecuteNonQueryAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                using var stop = Start(PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "20"], _runAs);
                stop.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"pg_ctl stop failed: {exception.Message}");
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"Could not delete {Root}: {exception.Message}");
        }

        return ValueTask.CompletedTask;
    }

    private async Task StartServerAsync(bool durable, CancellationToken cancellationToken)
    {
        var onOff = durable ? "on" : "off";
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = string.Join(' ',
                $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
                "-c listen_addresses=127.0.0.1",
                $"-c unix_socket_directories={Root}",
                "-c max_connections=300",
                "-c shared_buffers=1GB",
                // Checkpoints at their production-like pace, not every few seconds of a load test.
                "-c max_wal_size=4GB",
                "-c checkpoint_timeout=15min",
                $"-c fsync={onOff}",
                $"-c synchronous_commit={onOff}",
                $"-c full_page_writes={onOff}");
            try
            {
                await RunAsync(PgCtl, ["start", "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "-o", options],
                    _runAs, cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The port was most likely taken between choosing and binding it.
            }
        }
    }

    /// <summary>Stops the server and deletes the directory once this process is gone, if it did not do so itself.</summary>
    private void StartWatchdog()
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" && [ -d "$2" ]; do sleep 2; done
            [ -d "$2" ] || exit 0
            if [ -f "$4/postmaster.pid" ]; then
              if [ -n "$5" ]; then runuser -u "$5" -- "$3" stop -D "$4" -m immediate -w -t 20
              else "$3" stop -D "$4" -m immediate -w -t 20; fi
            fi
            rm -rf "$2"
            """;
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sh", "-c", Script, "watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Root, PgCtl, DataDirectory, _runAs ?? "" })
        {
            start.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
    }

    private static string FindBinDirectory()
    {
        const string DebianRoot = "/usr/lib/postgresql";
        var found = Directory.Exists(DebianRoot)
            ? Directory.GetDirectories(DebianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL's server binaries were not found under /usr/lib/postgresql/*/bin (apt-get install postgresql-15), or pass --postgres.");
    }

    private static Process Start(string fileName, IEnumerable<string> arguments, string? runAs)
    {
        var start = new ProcessStartInfo(runAs is null ? fileName : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    private static async Task RunAsync(string fileName, IEnumerable<string> arguments, string? runAs, CancellationToken cancellationToken)
    {
        using var process = Start(fileName, arguments, runAs);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
