using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Social.Storage.Messages;
using Social.Testing;

namespace Social.Storage.Tests.Messages;

/// <summary>
/// The store's start-up warm-up runs its write statements and its existence probe on the real
/// database, stores nothing, and leaves the store as it was.
/// </summary>
public sealed class MessageStoreWarmUpTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)] // each writer commits on a thread of its own
    [InlineData(2)] // each writer commits asynchronously, two batches in flight
    public async Task Warming_up_stores_nothing_and_the_store_works_after_it(int batchesInFlight)
    {
        var server = await PostgresServer.GetAsync();
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("warmup"));
        await using var store = new PostgresMessageStore(dataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 2, batchesInFlight);

        await store.WarmUpAsync();
        await store.WarmUpAsync(); // a second time changes nothing either

        Assert.Equal(0, await CountAsync(dataSource, "messages"));
        Assert.Equal(0, await CountAsync(dataSource, "conversations"));
        Assert.Equal(0, await CountAsync(dataSource, "conversation_members"));

        var message = new StoredMessage("after-warmup", 1, "alice", "bob", "hello", Now, IsGreeting: false, ClientMessageId: "m1");
        await store.AppendCreatingAsync(message, new NewConversation("after-warmup", ["alice", "bob"], Now));
        var snapshot = await store.LoadConversationAsync("after-warmup", recentCount: 10);
        Assert.NotNull(snapshot);
        Assert.Equal(1, snapshot.LastSeq);
        Assert.Equal("hello", Assert.Single(snapshot.Recent).Content);
        Assert.Equal(1, await CountAsync(dataSource, "messages"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Warming_up_fails_when_the_database_cannot_be_reached(int batchesInFlight)
    {
        // Nothing listens there: the warm-up must reach the database, not pretend to.
        var port = ClosedLoopbackPort();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=nobody;Password=x;Timeout=5");
        await using var store = new PostgresMessageStore(dataSource, NullLogger<PostgresMessageStore>.Instance, appendWriters: 2, batchesInFlight);

        await Assert.ThrowsAnyAsync<Exception>(() => store.WarmUpAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
