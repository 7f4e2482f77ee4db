using System.Text;
using Npgsql;
using Social.Grains.Hosting.GrainState;
using Social.Testing;

namespace Social.Storage.Tests.Orleans;

/// <summary>
/// Groups of grain state reads and writes as one batch of Orleans' stored statements, on a real
/// PostgreSQL with the Social schema: outcomes per row, and all or nothing for a failed group.
/// </summary>
public sealed class PostgresStateBatchesTests
{
    private const string ServiceId = "batches-test";

    [Fact]
    public async Task A_group_of_new_rows_is_stored_and_read_back_in_one_group_each()
    {
        var (batches, _) = await CreateAsync("batch_roundtrip");
        var writes = Enumerable.Range(0, 100).Select(i => new PendingWrite(Row($"u/{i}"), null, Payload($"state {i}"))).ToList();

        await batches.WriteAsync(writes);

        Assert.All(writes, write => Assert.Equal(1, write.StoredVersion));
        var reads = Enumerable.Range(0, 100).Select(i => new PendingRead(Row($"u/{i}"))).Append(new PendingRead(Row("u/never-written"))).ToList();
        await batches.ReadAsync(reads);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"state {i}", Encoding.UTF8.GetString(reads[i].Payload!));
            Assert.Equal(1, reads[i].Version);
        }

        Assert.Null(reads[^1].Payload);
        Assert.Null(reads[^1].Version);
        Assert.All(reads, read => Assert.True(read.Completion.Task.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task A_stale_version_leaves_its_row_alone_and_the_rest_of_the_group_is_stored()
    {
        var (batches, connectionString) = await CreateAsync("batch_stale");
        await batches.WriteAsync([new PendingWrite(Row("u/a"), null, Payload("a1")), new PendingWrite(Row("u/b"), null, Payload("b1"))]);

        var current = new PendingWrite(Row("u/a"), 1, Payload("a2"));
        var stale = new PendingWrite(Row("u/b"), 7, Payload("b from a stale activation"));
        var duplicateInsert = new PendingWrite(Row("u/b"), null, Payload("b from a second first activation"));
        var fresh = new PendingWrite(Row("u/c"), null, Payload("c1"));
        await batches.WriteAsync([current, stale, duplicateInsert, fresh]);

        Assert.Equal(2, current.StoredVersion);
        Assert.Equal(7, stale.StoredVersion);          // what was passed in: nothing written
        Assert.Null(duplicateInsert.StoredVersion);    // a row exists: nothing written
        Assert.Equal(1, fresh.StoredVersion);
        Assert.Equal(["a2", "b1", "c1"], await PayloadsAsync(connectionString));
    }

    [Fact]
    public async Task Clears_share_a_group_with_writes_and_keep_the_version_check()
    {
        var (batches, connectionString) = await CreateAsync("batch_clear");
        await batches.WriteAsync([new PendingWrite(Row("u/a"), null, Payload("a1")), new PendingWrite(Row("u/b"), null, Payload("b1"))]);

        var clear = new PendingWrite(Row("u/a"), 1, payload: null);
        var staleClear = new PendingWrite(Row("u/b"), 3, payload: null);
        var write = new PendingWrite(Row("u/c"), null, Payload("c1"));
        await batches.WriteAsync([clear, staleClear, write]);

        Assert.Equal(2, clear.StoredVersion);
        Assert.Null(staleClear.StoredVersion);
        Assert.Equal(1, write.StoredVersion);
        Assert.Equal(["b1", "c1"], await PayloadsAsync(connectionString));
        var reads = new[] { new PendingRead(Row("u/a")) };
        await batches.ReadAsync(reads);
        Assert.Null(reads[0].Payload);
        Assert.Equal(2, reads[0].Version);
    }

    [Fact]
    public async Task A_failed_group_fails_every_waiting_write_and_stores_none_of_them()
    {
        var (batches, connectionString) = await CreateAsync("batch_failure");

        // The column holds 512 characters: this row's statement fails, and with it the group.
        var doomed = new[] { Row("u/first"), Row("u/" + new string('x', 600)), Row("u/last") };
        await Assert.ThrowsAsync<PostgresException>(() => batches.WriteAsync([.. doomed.Select(row => new PendingWrite(row, null, Payload("lost")))]));
        Assert.Empty(await PayloadsAsync(connectionString));

        // The same through the group runner: the three wait behind a running group and then run together.
        var running = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var groups = new OperationGroups<PendingWrite>(async group =>
        {
            running.TrySetResult();
            await release.Task;
            await batches.WriteAsync(group);
        }, maxGroupSize: 100);
        var first = groups.RunAsync(new PendingWrite(Row("u/ahead"), null, Payload("ahead")));
        await running.Task;
        var waiting = doomed.Select(row => groups.RunAsync(new PendingWrite(row, null, Payload("lost")))).ToList();
        release.SetResult();

        await first;
        foreach (var write in waiting)
        {
            await Assert.ThrowsAsync<PostgresException>(() => write);
        }

        Assert.Equal(["ahead"], await PayloadsAsync(connectionString));
    }

    private static async Task<(PostgresStateBatches Batches, string ConnectionString)> CreateAsync(string name)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey')");
        var statements = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                statements[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return (new PostgresStateBatches(connectionString, statements["ReadFromStorageKey"], statements["WriteToStorageKey"], statements["ClearStorageKey"]), connectionString);
    }

    private static async Task<List<string>> PayloadsAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT convert_from(PayloadBinary, 'UTF8') FROM OrleansStorage WHERE ServiceId = $1 AND PayloadBinary IS NOT NULL ORDER BY 1");
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId });
        var payloads = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            payloads.Add(reader.GetString(0));
        }

        return payloads;
    }

    // The hashes only narrow the index; any values do for rows this test alone reads and writes.
    private static StateRow Row(string key) => new(key.GetHashCode(StringComparison.Ordinal), 42, "probe", key, ServiceId);

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text);
}
