using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Messages;
using Social.Testing;

namespace Social.Storage.Tests.Messages;

/// <summary>
/// Each writer's commit thread commits on a connection of its own, outside the pool, and replaces
/// it when it breaks, without losing the batch that found it broken.
/// </summary>
public sealed class CommitConnectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_batch_of_a_writer_commits_on_the_same_connection_outside_the_pool()
    {
        var server = await PostgresServer.GetAsync();
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("commitconn"));
        await using var store = new PostgresMessageStore(dataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 1);

        await AppendAsync(store, "steady", 1);
        var backend = await CommitBackendAsync(dataSource);
        for (var seq = 2; seq <= 10; seq++)
        {
            await AppendAsync(store, "steady", seq);
        }

        Assert.Equal(backend, await CommitBackendAsync(dataSource));
        Assert.Equal(10, (await store.ReadPageAsync("steady", null, null, 50)).Count);
    }

    [Fact]
    public async Task A_commit_connection_killed_between_batches_is_replaced_and_no_append_is_lost()
    {
        var server = await PostgresServer.GetAsync();
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("commitconn"));
        await using var store = new PostgresMessageStore(dataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 1);

        await AppendAsync(store, "survivor", 1);
        var killed = await CommitBackendAsync(dataSource);
        await using (var terminate = dataSource.CreateCommand($"SELECT pg_terminate_backend({killed}, 10000)"))
        {
            Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
        }

        // The batch that finds the connection dead is retried; the next ones commit on a new connection.
        for (var seq = 2; seq <= 5; seq++)
        {
            await AppendAsync(store, "survivor", seq);
        }

        var replacement = await CommitBackendAsync(dataSource);
        Assert.NotEqual(killed, replacement);
        Assert.Equal([1L, 2, 3, 4, 5], (await store.ReadPageAsync("survivor", null, afterSeq: 0, 50)).Select(m => m.Seq));
    }

    private static Task AppendAsync(PostgresMessageStore store, string conversationId, long seq)
    {
        var message = new StoredMessage(conversationId, seq, "alice", "bob", $"message {seq}", Now.AddSeconds(seq), IsGreeting: false, ClientMessageId: null);
        return seq == 1
            ? store.AppendCreatingAsync(message, new NewConversation(conversationId, ["alice", "bob"], Now))
            : store.AppendAsync(message);
    }

    /// <summary>The process id of the one backend the writer commits on.</summary>
    private static async Task<int> CommitBackendAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()");
        command.Parameters.Add(new NpgsqlParameter { Value = CommitConnection.ApplicationName });
        var backends = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            backends.Add(reader.GetInt32(0));
        }

        return Assert.Single(backends);
    }
}
