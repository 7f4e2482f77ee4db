using Npgsql;
using Social.Testing;

namespace Social.Bench;

/// <summary>The PostgreSQL database a run uses, and the commit counter read around the measured phase.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>
    /// How long to wait before reading <c>pg_stat_database</c>. PostgreSQL (15+) backends publish
    /// their counters when they go idle, at most once a second, and an idle backend with unpublished
    /// counters publishes them after 10 s; waiting longer than that makes the count complete.
    /// </summary>
    public static readonly TimeSpan StatisticsSettleTime = TimeSpan.FromSeconds(11);

    private readonly NpgsqlDataSource _dataSource;

    private BenchDatabase(string connectionString, bool throwaway, ServerFacts facts, NpgsqlDataSource dataSource)
    {
        ConnectionString = connectionString;
        IsThrowaway = throwaway;
        Facts = facts;
        _dataSource = dataSource;
    }

    public string ConnectionString { get; }

    public bool IsThrowaway { get; }

    public ServerFacts Facts { get; }

    /// <summary>
    /// Uses <paramref name="connectionString"/> when given (the schema is created by the silo on
    /// start), else creates a fresh, migrated database on the throwaway server the test
    /// infrastructure starts (stopped at process exit).
    /// </summary>
    public static async Task<BenchDatabase> OpenAsync(string? connectionString, CancellationToken cancellationToken)
    {
        var throwaway = string.IsNullOrWhiteSpace(connectionString);
        if (throwaway)
        {
            var server = await PostgresServer.GetAsync().WaitAsync(cancellationToken);
            connectionString = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("bench").WaitAsync(cancellationToken))
            {
                // The test infrastructure closes idle connections after 10 s; the settle pauses would then
                // empty the pools before every measurement. Npgsql's defaults, as a deployment has them:
                ConnectionIdleLifetime = 300,
                ConnectionPruningInterval = 10,
            }.ConnectionString;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString!);
        try
        {
            var facts = new ServerFacts(
                Version: await ShowAsync(dataSource, "server_version", cancellationToken),
                Fsync: await ShowAsync(dataSource, "fsync", cancellationToken),
                SynchronousCommit: await ShowAsync(dataSource, "synchronous_commit", cancellationToken),
                Database: await ScalarAsync<string>(dataSource, "SELECT current_database()", cancellationToken));
            return new BenchDatabase(connectionString!, throwaway, facts, dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Committed transactions in this database so far, after letting the counters settle.</summary>
    public async Task<long> SettledCommitCountAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(StatisticsSettleTime, cancellationToken);
        return await ScalarAsync<long>(_dataSource,
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", cancellationToken);
    }

    /// <summary>The server processes serving this database's other connections (the silo's pools, while they are open).</summary>
    public async Task<IReadOnlyList<int>> BackendProcessIdsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pids = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static Task<string> ShowAsync(NpgsqlDataSource dataSource, string setting, CancellationToken cancellationToken) =>
        ScalarAsync<string>(dataSource, "SELECT current_setting($1)", cancellationToken, setting);

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken, string? parameter = null)
    {
        await using var command = dataSource.CreateCommand(sql);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>What the results should say about the server they were measured on.</summary>
public sealed record ServerFacts(string Version, string Fsync, string SynchronousCommit, string Database);
