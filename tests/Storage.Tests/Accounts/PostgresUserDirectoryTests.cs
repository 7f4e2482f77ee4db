using System.Diagnostics;
using Npgsql;
using Social.Storage.Accounts;
using Social.Testing;
using Xunit.Abstractions;

namespace Social.Storage.Tests.Accounts;

public sealed class PostgresUserDirectoryTests(ITestOutputHelper output) : UserDirectoryContract
{
    private NpgsqlDataSource? _dataSource;

    protected override async Task<IUserDirectory> CreateDirectoryAsync()
    {
        var server = await PostgresServer.GetAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("users"));
        return new PostgresUserDirectory(_dataSource);
    }

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Prefix_search_reads_the_username_index_not_the_table_at_a_million_users()
    {
        await using (var fill = _dataSource!.CreateCommand("""
            INSERT INTO users (user_id, username, username_lower, display_name, address, password_hash)
            SELECT 'bulk-' || i, 'User' || i, 'user' || i, 'User ' || i, 'wallet-' || i, 'hash'
              FROM generate_series(1, 1000000) AS i;
            ANALYZE users;
            """))
        {
            fill.CommandTimeout = 300;
            await fill.ExecuteNonQueryAsync();
        }

        await using var explain = _dataSource.CreateCommand("EXPLAIN " + PostgresUserDirectory.SearchSql);
        explain.Parameters.AddWithValue("pattern", PostgresUserDirectory.EscapeLikePattern("user12345") + "%");
        explain.Parameters.AddWithValue("address", "user12345");
        explain.Parameters.AddWithValue("limit", 20);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        output.WriteLine(string.Join('\n', plan));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("users_username_lower_key", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("users_address_key", StringComparison.Ordinal));

        var stopwatch = Stopwatch.StartNew();
        var found = await Directory.SearchAsync("USER12345", 20);
        output.WriteLine($"search took {stopwatch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(
            ["User12345", .. Enumerable.Range(0, 10).Select(i => $"User12345{i}")],
            found.Select(p => p.Username));
        Assert.Equal(["User777"], (await Directory.SearchAsync("wallet-777", 20)).Select(p => p.Username));
    }
}
