using Npgsql;
using Social.LoadTest.Clients;
using Social.LoadTest.Measuring;
using Social.Testing.Hosting;

namespace Social.LoadTest.Hosting;

/// <summary>How to reach (or start) the server under test; shared by every mode.</summary>
public sealed record ServerOptions(
    Uri? Url,
    int? ServerPid,
    string? SigningKey,
    string? Postgres,
    bool NoFsync,
    bool InMemory,
    string WebFrontAssembly,
    IReadOnlyDictionary<string, string> ServerEnvironment,
    string? ServerLog = null);

/// <summary>What the results say about the database the server stored into.</summary>
public sealed record DatabaseFacts(string Kind, string? Version, string? Fsync, string? SynchronousCommit);

/// <summary>
/// The server under test: a WebFront child process this run started (on its own durable
/// PostgreSQL unless told otherwise), or a running server at <c>--url</c>.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private TargetServer(Uri baseAddress, int? pid, string? signingKey, string? connectionString, DatabaseFacts database,
        LocalPostgres? postgres, WebFrontProcess? process)
    {
        BaseAddress = baseAddress;
        ProcessId = pid;
        SigningKey = signingKey;
        ConnectionString = connectionString;
        Database = database;
        Postgres = postgres;
        Process = process;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's process id, when known (memory and CPU are read from /proc).</summary>
    public int? ProcessId { get; }

    /// <summary>The key the server signs tokens with, when known (needed to mint tokens).</summary>
    public string? SigningKey { get; }

    public string? ConnectionString { get; }

    public DatabaseFacts Database { get; }

    public LocalPostgres? Postgres { get; }

    public WebFrontProcess? Process { get; }

    public static async Task<TargetServer> StartAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        if (options.Url is { } url)
        {
            Loopback.RequireLoopback(url);
            var facts = options.Postgres is null
                ? new DatabaseFacts("unknown (--url)", null, null, null)
                : await DatabaseFactsAsync("given (--postgres)", options.Postgres, cancellationToken);
            return new TargetServer(url, options.ServerPid, options.SigningKey, options.Postgres, facts, null, null);
        }

        LocalPostgres? postgres = null;
        try
        {
            string? connectionString;
            DatabaseFacts database;
            if (options.InMemory)
            {
                connectionString = null;
                database = new DatabaseFacts("in-memory (embedded default, nothing durable)", null, null, null);
            }
            else if (options.Postgres is { } given)
            {
                connectionString = given;
                database = await DatabaseFactsAsync("given (--postgres)", given, cancellationToken);
            }
            else
            {
                Progress.Say(options.NoFsync ? "Starting PostgreSQL (fsync OFF, not durable)..." : "Starting PostgreSQL (fsync on, synchronous_commit on)...");
                postgres = await DurablePostgres.StartAsync(!options.NoFsync, cancellationToken);
                connectionString = postgres.ConnectionString;
                database = await DatabaseFactsAsync("own server, temporary directory", connectionString, cancellationToken);
            }

            var signingKey = options.SigningKey ?? AccessTokens.NewSigningKey();
            Progress.Say($"Starting {Path.GetFileName(options.WebFrontAssembly)}...");
            var process = await WebFrontProcess.StartAsync(options.WebFrontAssembly, connectionString, signingKey,
                options.ServerEnvironment, cancellationToken, options.ServerLog);
            Progress.Say($"  ready on {process.BaseAddress} (pid {process.ProcessId})");
            return new TargetServer(process.BaseAddress, process.ProcessId, signingKey, connectionString, database, postgres, process);
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Rows in <c>messages</c> whose client message id starts with <paramref name="prefix"/>; null without a database.</summary>
    public async Task<long?> CountStoredMessagesAsync(string prefix, CancellationToken cancellationToken) =>
        ConnectionString is null ? null : await PostgresCounters.CountStoredMessagesAsync(ConnectionString, prefix, cancellationToken);

    /// <summary>Committed transactions in the database so far; null without a database.</summary>
    public async Task<long?> CommitCountAsync(CancellationToken cancellationToken) =>
        ConnectionString is null ? null : await PostgresCounters.CommitCountAsync(ConnectionString, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }

    public static async Task<DatabaseFacts> DatabaseFactsAsync(string kind, string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        async Task<string> Show(string setting)
        {
            await using var command = dataSource.CreateCommand("SELECT current_setting($1)");
            command.Parameters.Add(new NpgsqlParameter { Value = setting });
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return new DatabaseFacts(kind, await Show("server_version"), await Show("fsync"), await Show("synchronous_commit"));
    }
}
