using System.Data;
using Npgsql;

namespace Social.Storage.Messages;

/// <summary>
/// A commit thread's own PostgreSQL connection, outside the pool, opened and used only with
/// Npgsql's synchronous calls, so its socket stays in blocking mode: the kernel wakes the commit
/// thread as soon as PostgreSQL answers.
/// </summary>
/// <remarks>
/// A pooled connection has usually served asynchronous calls too, and .NET then keeps its socket
/// non-blocking for good: a synchronous read on it waits for the socket engine's thread to see the
/// answer and wake the reader, one more thread hand-off per commit on a machine with no core to
/// spare (BENCHMARKS.md, "Push path, seventh round"). Not thread-safe: one commit thread uses it.
/// </remarks>
internal sealed class CommitConnection(NpgsqlDataSource dataSource) : IDisposable
{
    /// <summary>How the connection shows in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "social-message-commits";

    private NpgsqlConnection? _connection;

    /// <summary>The open connection, connecting first if there is none or the last one broke.</summary>
    public NpgsqlConnection Open()
    {
        if (_connection is { State: ConnectionState.Open } open)
        {
            return open;
        }

        Close();
        var connection = CreateUnpooled();
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        return connection;
    }

    /// <summary>Drops the connection after a failure; the next <see cref="Open"/> connects afresh.</summary>
    public void Close()
    {
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Close();

    /// <summary>The data source's settings and credentials, without its pool.</summary>
    private NpgsqlConnection CreateUnpooled()
    {
        using var template = dataSource.CreateConnection();
        var settings = new NpgsqlConnectionStringBuilder(template.ConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
        };
        return template.CloneWith(settings.ConnectionString);
    }
}
