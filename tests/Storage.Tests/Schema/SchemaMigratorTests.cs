using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Schema;
using Social.Testing;

namespace Social.Storage.Tests.Schema;

public sealed class SchemaMigratorTests
{
    private static readonly int[] AllVersions = [.. SchemaMigrator.Scripts.Select(s => s.Version)];

    [Fact]
    public void Embedded_scripts_are_numbered_one_to_n_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, SchemaMigrator.Scripts.Count), AllVersions);
        Assert.Equal(
            [(1, "orleans_main"), (2, "orleans_clustering"), (3, "orleans_persistence"), (4, "users")],
            SchemaMigrator.Scripts.Take(4).Select(s => (s.Version, s.Name)));
    }

    [Fact]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing()
    {
        await using var dataSource = await EmptyDatabaseAsync("migrate_twice");

        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
        var first = await AppliedAsync(dataSource);
        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(AllVersions, first.Select(v => v.Version));
        Assert.Equal(first, await AppliedAsync(dataSource));
    }

    [Fact]
    public async Task Four_processes_migrating_a_fresh_database_at_once_apply_each_script_exactly_once()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateEmptyDatabaseAsync("migrate_concurrently");
        // One data source per "process": separate pools, separate sessions.
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            await Task.WhenAll(dataSources.Select(ds =>
                Task.Run(() => SchemaMigrator.MigrateAsync(ds, NullLogger.Instance, CancellationToken.None))));

            Assert.Equal(AllVersions, (await AppliedAsync(dataSources[0])).Select(v => v.Version));
            Assert.Equal(14L, await ScalarAsync<long>(dataSources[0], "SELECT count(*) FROM OrleansQuery"));
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failing_script_is_rolled_back_and_not_recorded_and_a_later_run_applies_it()
    {
        await using var dataSource = await EmptyDatabaseAsync("migrate_failure");
        var good = new SchemaScript(1, "good", "CREATE TABLE good (id int);");
        var broken = new SchemaScript(2, "broken", "CREATE TABLE half (id int); SELECT no_such_function();");

        await Assert.ThrowsAsync<PostgresException>(() =>
            SchemaMigrator.MigrateAsync(dataSource, [good, broken], NullLogger.Instance, CancellationToken.None));

        Assert.Equal([1], (await AppliedAsync(dataSource)).Select(v => v.Version));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"));

        var fixedScript = broken with { Sql = "CREATE TABLE half (id int);" };
        await SchemaMigrator.MigrateAsync(dataSource, [good, fixedScript], NullLogger.Instance, CancellationToken.None);
        Assert.Equal([1, 2], (await AppliedAsync(dataSource)).Select(v => v.Version));
    }

    [Fact]
    public async Task The_schema_holds_every_query_the_Orleans_AdoNet_providers_read()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await PostgresServer.GetAsync()).CreateDatabaseAsync("orleans_queries"));

        var keys = new List<string>();
        await using (var command = dataSource.CreateCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        // Clustering 10.4.x: nine required keys (it refuses to start without any of them) and
        // CleanupDefunctSiloEntryKey, read when present. Persistence: three required keys and
        // DeleteStorageKey, required only with DeleteStateOnClear.
        string[] expected =
        [
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
            "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
            "MembershipReadRowKey", "ReadFromStorageKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "WriteToStorageKey",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    private static async Task<NpgsqlDataSource> EmptyDatabaseAsync(string prefix) =>
        NpgsqlDataSource.Create(await (await PostgresServer.GetAsync()).CreateEmptyDatabaseAsync(prefix));

    private static async Task<List<(int Version, string Name, DateTime AppliedAt)>> AppliedAsync(NpgsqlDataSource dataSource)
    {
        var rows = new List<(int, string, DateTime)>();
        await using var command = dataSource.CreateCommand("SELECT version, name, applied_at FROM social_schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return rows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
