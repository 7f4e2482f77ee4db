using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Social.Testing.Hosting;

/// <summary>How a <see cref="LocalPostgres"/> is set up.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// True: <c>fsync</c>, <c>synchronous_commit</c> and <c>full_page_writes</c> on, as in
    /// production (benchmarks). False: off, for fast throw-away test servers.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>A database to create after start (its connection string is <see cref="LocalPostgres.ConnectionString"/>); none when null.</summary>
    public string? Database { get; init; }

    /// <summary>Further <c>-c name=value</c> server settings (memory, checkpoints, connections).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string> { ["max_connections"] = "500" };
}

/// <summary>
/// The one PostgreSQL starter: a server of this process's own, created with <c>initdb</c> in a
/// fresh temporary directory and started with <c>pg_ctl</c> on a free loopback port (trust
/// authentication, Unix socket inside that directory). As root, PostgreSQL refuses to run, so the
/// directory is handed to the <c>postgres</c> OS user and the binaries run through
/// <c>runuser -u postgres --</c>. Disposing stops it and deletes the directory; an
/// <see cref="OrphanWatchdog"/> does the same within seconds if this process is killed instead.
/// Without binaries or a usable OS user it throws, saying why.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private readonly string? _runAs;
    private readonly LocalPostgresOptions _options;
    private int _stopped;

    private LocalPostgres(string root, string binDirectory, string? runAs, LocalPostgresOptions options)
    {
        Root = root;
        _binDirectory = binDirectory;
        _runAs = runAs;
        _options = options;
    }

    /// <summary>The temporary directory (data, log, socket).</summary>
    public string Root { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The maintenance database, as the superuser.</summary>
    public string AdminConnectionString => Connection("postgres");

    /// <summary>The database of <see cref="LocalPostgresOptions.Database"/>, else the maintenance database.</summary>
    public string ConnectionString => Connection(_options.Database ?? "postgres");

    private string DataDirectory => Path.Combine(Root, "data");

    private string PgCtl => Path.Combine(_binDirectory, "pg_ctl");

    /// <summary>Creates, starts and (with <see cref="LocalPostgresOptions.Database"/>) fills in a server.</summary>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binDirectory = FindBinDirectory();
        var runAs = Environment.IsPrivilegedProcess ? OsUser : null;
        if (runAs is not null)
        {
            await EnsureCanRunAsAsync(runAs, cancellationToken);
        }

        var root = Path.Combine(Path.GetTempPath(), $"social-pg-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(root);
        var server = new LocalPostgres(root, binDirectory, runAs, options);
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [runAs, root], runAs: null, root, cancellationToken);
            }

            server.StartWatchdog();
            await server.InitDbAsync(cancellationToken);
            await server.StartServerAsync(cancellationToken);
            if (options.Database is { } database)
            {
                await using var admin = NpgsqlDataSource.Create(server.AdminConnectionString);
                await using var create = admin.CreateCommand($"CREATE DATABASE \"{database}\"");
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            return server;
        }
        catch
        {
            server.Stop();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the server and deletes its directory (once; later calls do nothing).</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                Run(PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "20"], _runAs, Root, TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"LocalPostgres: pg_ctl stop failed: {ex.Message}");
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"LocalPostgres: could not delete {Root}: {ex.Message}");
        }
    }

    private string Connection(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = OsUser,
        Database = database,
        Timeout = 30,
    }.ConnectionString;

    private async Task InitDbAsync(CancellationToken cancellationToken)
    {
        string[] common = ["-D", DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--no-sync"];
        try
        {
            // A linguistic (non-"C") default collation, like most production databases, so the
            // tests notice queries that only use an index under the C collation.
            await RunAsync(Path.Combine(_binDirectory, "initdb"), [.. common, "--locale=C.UTF-8"], _runAs, Root, cancellationToken);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("locale", StringComparison.OrdinalIgnoreCase))
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }

            await RunAsync(Path.Combine(_binDirectory, "initdb"), [.. common, "--no-locale"], _runAs, Root, cancellationToken);
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var onOff = _options.Durable ? "on" : "off";
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var settings = new Dictionary<string, string>(_options.Settings)
            {
                ["listen_addresses"] = "127.0.0.1",
                ["unix_socket_directories"] = Root,
                ["fsync"] = onOff,
                ["synchronous_commit"] = onOff,
                ["full_page_writes"] = onOff,
            };
            var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} " + string.Join(' ', settings.Select(s => $"-c {s.Key}={s.Value}"));
            try
            {
                await RunAsync(PgCtl,
                    ["start", "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "-o", options],
                    _runAs, Root, cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken between choosing and binding it.
            }
        }
    }

    /// <summary>
    /// After this process dies: up to 30 s of stopping the server (if its pid file is there)
    /// until no process (initdb, pg_ctl, postgres) runs on the data directory. Started as soon as
    /// the directory exists, so a kill during initdb or start-up is cleaned up as well.
    /// </summary>
    private void StartWatchdog()
    {
        // $1 pg_ctl, $2 data directory, $3 OS user or "".
        const string Cleanup = """
            i=0
            while [ $i -lt 30 ]; do
              if [ -f "$2/postmaster.pid" ]; then
                if [ -n "$3" ]; then runuser -u "$3" -- "$1" stop -D "$2" -m immediate -w -t 10
                else "$1" stop -D "$2" -m immediate -w -t 10; fi
              fi
              pgrep -f -- "-D $2" || break
              i=$((i + 1))
              sleep 1
            done
            """;
        OrphanWatchdog.Start(Root, Cleanup, PgCtl, DataDirectory, _runAs ?? "");
    }

    private static string FindBinDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }
        }

        const string DebianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(DebianRoot))
        {
            var newest = Directory.GetDirectories(DebianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")) && File.Exists(Path.Combine(d.Directory, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were found neither on PATH nor in /usr/lib/postgresql/*/bin. " +
            "Install them (Debian: apt-get install postgresql) or set " + PostgresServer.ConnectionStringVariable +
            " to the connection string of a server the tests may create databases on.");
    }

    private static async Task EnsureCanRunAsAsync(string user, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync("id", ["-u", user], runAs: null, Path.GetTempPath(), cancellationToken);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Running as root, and PostgreSQL refuses to run as root, so it runs as the OS user '{user}', " +
                $"which does not exist. Create it (useradd --system --user-group {user}) or set {PostgresServer.ConnectionStringVariable}.", ex);
        }

        try
        {
            await RunAsync("runuser", ["-u", user, "--", "true"], runAs: null, Path.GetTempPath(), cancellationToken);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Running as root needs 'runuser' (util-linux) to start PostgreSQL as '{user}'.", ex);
        }
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, string workingDirectory, CancellationToken cancellationToken)
    {
        using var process = StartProcess(fileName, arguments, runAs, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(fileName, arguments)} did not finish within {CommandTimeout}.");
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(fileName, arguments)} exited with {process.ExitCode}:\n{output}");
        }
    }

    private static void Run(string fileName, IReadOnlyList<string> arguments, string? runAs, string workingDirectory, TimeSpan timeout)
    {
        using var process = StartProcess(fileName, arguments, runAs, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(fileName, arguments)} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(fileName, arguments)} exited with {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
        }
    }

    private static Process StartProcess(string fileName, IReadOnlyList<string> arguments, string? runAs, string workingDirectory)
    {
        var start = new ProcessStartInfo(runAs is null ? fileName : "runuser")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
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

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        return process;
    }

    private static string Describe(string fileName, IReadOnlyList<string> arguments) => $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}";
}
