using Npgsql;

namespace Social.LoadTest.Measuring;

/// <summary>What the load tests read back from PostgreSQL: commits so far, and the messages a run stored.</summary>
public static class PostgresCounters
{
    /// <summary>Committed transactions in the database so far (PostgreSQL publishes them with a delay of up to a second or so).</summary>
    public static async Task<long> CommitCountAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Rows in <c>messages</c> whose client message id starts with <paramref name="prefix"/>.</summary>
    public static async Task<long> CountStoredMessagesAsync(string connectionString, string prefix, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM messages WHERE client_message_id LIKE $1");
        command.Parameters.Add(new NpgsqlParameter { Value = prefix + "%" });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
