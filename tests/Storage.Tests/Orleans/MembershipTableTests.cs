using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Social.Grains.Hosting;
using Social.Testing;

namespace Social.Storage.Tests.Orleans;

/// <summary>
/// Orleans' real ADO.NET membership table and gateway list provider against our
/// <c>002_orleans_clustering.sql</c>: every query key, with the parameters and types the
/// provider actually sends.
/// </summary>
public sealed class MembershipTableTests
{
    private const string ClusterId = "membership-test";

    [Fact]
    public async Task Membership_writes_succeed_only_against_the_current_table_version()
    {
        var (table, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);

        var silo = Entry(port: 11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(silo, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(port: 11112, SiloStatus.Joining), empty.Version.Next()));

        var afterInsert = await table.ReadAllAsync();
        Assert.Equal(empty.Version.Version + 1, afterInsert.Version.Version);
        var (stored, etag) = Assert.Single(afterInsert.Members);
        Assert.Equal(silo.SiloAddress, stored.SiloAddress);
        Assert.Equal(silo.StartTime, stored.StartTime, TimeSpan.FromMilliseconds(1));

        silo.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(silo, etag, afterInsert.Version.Next()));
        Assert.False(await table.UpdateRowAsync(silo, etag, afterInsert.Version.Next()));

        var read = await table.ReadRowAsync(silo.SiloAddress);
        Assert.Equal(SiloStatus.Active, Assert.Single(read.Members).Item1.Status);
    }

    [Fact]
    public async Task A_failed_conditional_write_leaves_the_table_version_unchanged()
    {
        var (table, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var silo = Entry(port: 11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        // The version matches, but the row exists already / does not exist: the version bump
        // that happens first inside the function must be undone.
        Assert.False(await table.InsertRowAsync(silo, before.Version.Next()));
        Assert.False(await table.UpdateRowAsync(Entry(port: 22222, SiloStatus.Active), before.Version.VersionEtag, before.Version.Next()));

        Assert.Equal(before.Version.Version, (await table.ReadAllAsync()).Version.Version);

        // A second silo starting finds the version row and leaves it alone.
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Equal(before.Version.Version, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Heartbeats_move_the_alive_time_forward_only()
    {
        var (table, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var silo = Entry(port: 11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(silo, (await table.ReadAllAsync()).Version.Next()));
        var inserted = silo.IAmAliveTime;

        silo.IAmAliveTime = inserted.AddMinutes(1);
        await table.UpdateIAmAliveAsync(silo);
        silo.IAmAliveTime = inserted.AddMinutes(-1);
        await table.UpdateIAmAliveAsync(silo);

        var stored = Assert.Single((await table.ReadAllAsync()).Members).Item1;
        Assert.Equal(inserted.AddMinutes(1), stored.IAmAliveTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Clients_see_active_silos_with_a_gateway_port_as_gateways()
    {
        var (table, connectionString) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var active = Entry(port: 11111, SiloStatus.Active, proxyPort: 30000);
        var joining = Entry(port: 11112, SiloStatus.Joining, proxyPort: 30001);
        var noGateway = Entry(port: 11113, SiloStatus.Active, proxyPort: 0);
        foreach (var entry in new[] { active, joining, noGateway })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = PostgresSiloExtensions.NpgsqlInvariant, ConnectionString = connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = "service" }));
        await gateways.InitializeGatewayListProviderAsync();

        var uri = Assert.Single(await gateways.GetGatewaysAsync());
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, 30000, active.SiloAddress.Generation).ToGatewayUri(), uri);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cleanup_removes_dead_silos_not_heard_from_since_the_cutoff_and_nothing_else(bool withRowByRowQuery)
    {
        var (table, connectionString) = await CreateTableAsync();
        if (!withRowByRowQuery)
        {
            // Databases without the optional key use the set-based CleanupDefunctSiloEntriesKey.
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var delete = dataSource.CreateCommand("DELETE FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntryKey'");
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var now = DateTime.UtcNow;
        var longDead = Entry(port: 11111, SiloStatus.Dead, aliveAt: now.AddHours(-2));
        var recentlyDead = Entry(port: 11112, SiloStatus.Dead, aliveAt: now.AddMinutes(-1));
        var silentButActive = Entry(port: 11113, SiloStatus.Active, aliveAt: now.AddHours(-2));
        foreach (var entry in new[] { longDead, recentlyDead, silentButActive })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(now.AddHours(-1));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal([recentlyDead.SiloAddress, silentButActive.SiloAddress], left);
    }

    [Fact]
    public async Task Deleting_a_cluster_removes_its_rows_and_version()
    {
        var (table, connectionString) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.True(await table.InsertRowAsync(Entry(port: 11111, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var count = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM OrleansMembershipTable) + (SELECT count(*) FROM OrleansMembershipVersionTable)");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    private static async Task<(AdoNetClusteringTable Table, string ConnectionString)> CreateTableAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("membership");
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = "service" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = PostgresSiloExtensions.NpgsqlInvariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        return (table, connectionString);
    }

    private static MembershipEntry Entry(int port, SiloStatus status, int proxyPort = 30000, DateTime? aliveAt = null)
    {
        var alive = aliveAt ?? DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation: 1),
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = proxyPort,
            StartTime = alive.AddMinutes(-5),
            IAmAliveTime = alive,
        };
    }
}
