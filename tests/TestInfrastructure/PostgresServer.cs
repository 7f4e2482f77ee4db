using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Schema;
using Social.Testing.Hosting;

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

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly NpgsqlDataSource _admin;
    private readonly LocalPostgres? _local;
    private readonly ConcurrentBag<string> _createdDatabases = [];

    private PostgresServer(string adminConnectionString, LocalPostgres? local)
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

        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false });
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
}
