using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Schema;

namespace Social.Testing;

/// <summary>
/// The PostgreSQL server that tests share within one test process.
/// </summary>
/// <remarks>
/// <para>
/// If <c>SOCIAL_TEST_POSTGRES</c> holds a connection string, that server is used (the role needs
/// CREATEDB); the databases the tests create there are dropped when the process exits.
/// </para>
/// <para>
/// Otherwise a throw-away server is created with <c>initdb</c> in a fresh temporary directory and
/// started with <c>pg_ctl</c> on a free loopback port (trust authentication, Unix socket inside
/// that directory, durability off for speed). As root, PostgreSQL refuses to run, so the
/// directory is handed to the <c>postgres</c> OS user and the binaries run through
/// <c>runuser -u postgres --</c>. The server is stopped and the directory deleted when the test
/// process exits; a detached watchdog does the same within a few seconds if the process is
/// killed instead.
/// </para>
/// <para>Nothing is skipped silently: without binaries or a usable OS user this throws, saying why.</para>
/// </remarks>
public sealed class PostgresServer
{
    public const string ConnectionStringVariable = "SOCIAL_TEST_POSTGRES";

    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly NpgsqlDataSource _admin;
    private readonly LocalInstance? _local;
    private readonly ConcurrentBag<string> _createdDatabases = [];

    private PostgresServer(string adminConnectionString, LocalInstance? local)
    {
        AdminConnectionString = adminConnectionString;
        _admin = NpgsqlDataSource.Create(adminConnectionString);
        _local = local;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
    }

    /// <summary>A connection string for the server's maintenance database, as a superuser or CREATEDB role.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when the server came from <c>SOCIAL_TEST_POSTGRES</c> rather than being started here.</summary>
    public bool IsExternal => _local is null;

    /// <summary>The process-wide server, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>Creates a new, uniquely named database with the Social schema migrated; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string namePrefix)
    {
        var connectionString = await CreateEmptyDatabaseAsync(namePrefix);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
        return connectionString;
    }

    /// <summary>Creates a new, uniquely named, empty database; returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(namePrefix);

        var name = DatabaseName(namePrefix);
        await using (var command = _admin.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        _createdDatabases.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = name,
            // Many small databases each get a pool; let idle connections go soon.
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 5,
        }.ConnectionString;
    }

    private static string DatabaseName(string prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            if (cleaned.Length < 40 && (char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                cleaned.Append(c);
            }
        }

        return $"{(cleaned.Length == 0 ? "test" : cleaned)}_{Guid.NewGuid():N}"[..Math.Min(63, cleaned.Length + 33)];
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var server = new PostgresServer(external, local: null);
            await using var command = server._admin.CreateCommand("SELECT 1");
            try
            {
                await command.ExecuteScalarAsync();
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{ConnectionStringVariable} is set but the server it names does not answer: {ex.Message}", ex);
            }

            return server;
        }

        var local = await LocalInstance.StartAsync();
        return new PostgresServer(local.AdminConnectionString, local);
    }

    private void Shutdown()
    {
        if (_local is not null)
        {
            _local.Stop();
            return;
        }

        // External server: drop what we created, within a bounded time.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            NpgsqlConnection.ClearAllPools();
            foreach (var name in _createdDatabases)
            {
                using var command = _admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                command.ExecuteNonQueryAsync(timeout.Token).GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"PostgresServer: could not drop test databases: {ex.Message}");
        }
    }

    /// <summary>A server in a temporary directory, owned by this process.</summary>
    private sealed class LocalInstance
    {
        private readonly string _binDirectory;
        private readonly string? _runAs;
        private int _stopped;

        private LocalInstance(string root, string binDirectory, string? runAs)
        {
            Root = root;
            _binDirectory = binDirectory;
            _runAs = runAs;
        }

        public string Root { get; }

        public string DataDirectory => Path.Combine(Root, "data");

        public int Port { get; private set; }

        public string AdminConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = OsUser,
            Database = "postgres",
            Timeout = 30,
        }.ConnectionString;

        private string PgCtl => Path.Combine(_binDirectory, "pg_ctl");

        public static async Task<LocalInstance> StartAsync()
        {
            var binDirectory = FindBinDirectory();
            var runAs = Environment.IsPrivilegedProcess ? OsUser : null;
            if (runAs is not null)
            {
                await EnsureCanRunAsAsync(runAs);
            }

            var root = Path.Combine(Path.GetTempPath(), $"social-pg-{Guid.NewGuid():N}"[..22]);
            Directory.CreateDirectory(root);
            var instance = new LocalInstance(root, binDirectory, runAs);
            try
            {
                if (runAs is not null)
                {
                    await RunAsync("chown", [runAs, root], runAs: null, root);
                }

                instance.StartWatchdog();
                await instance.InitDbAsync();
                await instance.StartServerAsync();
                return instance;
            }
            catch
            {
                instance.Stop();
                throw;
            }
        }

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
                    Run(PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "15"], _runAs, Root, TimeSpan.FromSeconds(20));
                }
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"PostgresServer: pg_ctl stop failed: {ex.Message}");
            }

            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"PostgresServer: could not delete {Root}: {ex.Message}");
            }
        }

        private async Task InitDbAsync()
        {
            string[] common = ["-D", DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--no-sync"];
            try
            {
                // A linguistic (non-"C") default collation, like most production databases, so the
                // tests notice queries that only use an index under the C collation.
                await RunAsync(Path.Combine(_binDirectory, "initdb"), [.. common, "--locale=C.UTF-8"], _runAs, Root);
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("locale", StringComparison.OrdinalIgnoreCase))
            {
                if (Directory.Exists(DataDirectory))
                {
                    Directory.Delete(DataDirectory, recursive: true);
                }

                await RunAsync(Path.Combine(_binDirectory, "initdb"), [.. common, "--no-locale"], _runAs, Root);
            }
        }

        private async Task StartServerAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                Port = FreeLoopbackPort();
                var options = string.Join(' ',
                    $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
                    "-c listen_addresses=127.0.0.1",
                    $"-c unix_socket_directories={Root}",
                    "-c max_connections=500",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off");
                try
                {
                    await RunAsync(PgCtl,
                        ["start", "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "-o", options],
                        _runAs, Root);
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Most likely the port was taken between choosing and binding it.
                }
            }
        }

        /// <summary>
        /// A detached shell (own session, so killing this process's group spares it) that polls
        /// this process; when it is gone (killed without running ProcessExit handlers), stops the
        /// server if one runs and deletes the directory. It exits by itself once the directory is
        /// gone, i.e. after a normal <see cref="Stop"/>. Started as soon as the directory exists,
        /// before initdb, so a kill during initdb or start-up is cleaned up as well.
        /// </summary>
        private void StartWatchdog()
        {
            // $1 test process id, $2 directory, $3 pg_ctl, $4 data directory, $5 OS user or "".
            // After the test process dies: up to 30 s of stopping the server (if its pid file is
            // there) until no process (initdb, pg_ctl, postgres) runs on the data directory ("-D dir"
            // is in their command lines, not in this script's).
            const string Script = """
                exec </dev/null >/dev/null 2>&1
                while kill -0 "$1" && [ -d "$2" ]; do sleep 2; done
                [ -d "$2" ] || exit 0
                i=0
                while [ $i -lt 30 ]; do
                  if [ -f "$4/postmaster.pid" ]; then
                    if [ -n "$5" ]; then runuser -u "$5" -- "$3" stop -D "$4" -m immediate -w -t 10
                    else "$3" stop -D "$4" -m immediate -w -t 10; fi
                  fi
                  pgrep -f -- "-D $4" || break
                  i=$((i + 1))
                  sleep 1
                done
                rm -rf "$2"
                """;
            var start = new ProcessStartInfo("setsid")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Root,
            };
            foreach (var argument in new[] { "sh", "-c", Script, "watchdog",
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Root, PgCtl, DataDirectory, _runAs ?? "" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog (setsid sh).");
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
                "Install them (Debian: apt-get install postgresql) or set " + ConnectionStringVariable +
                " to the connection string of a server the tests may create databases on.");
        }

        private static async Task EnsureCanRunAsAsync(string user)
        {
            try
            {
                await RunAsync("id", ["-u", user], runAs: null, Path.GetTempPath());
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"The tests run as root, and PostgreSQL refuses to run as root, so they run it as the OS user '{user}', " +
                    $"which does not exist. Create it (useradd --system --user-group {user}) or set {ConnectionStringVariable}.", ex);
            }

            try
            {
                await RunAsync("runuser", ["-u", user, "--", "true"], runAs: null, Path.GetTempPath());
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"The tests run as root and need 'runuser' (util-linux) to start PostgreSQL as '{user}'.", ex);
            }
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, string workingDirectory)
        {
            using var process = StartProcess(fileName, arguments, runAs, workingDirectory);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(CommandTimeout);
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
                throw new InvalidOperationException(
                    $"{Describe(fileName, arguments)} exited with {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
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

        private static string Describe(string fileName, IReadOnlyList<string> arguments) =>
            $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}";
    }
}
