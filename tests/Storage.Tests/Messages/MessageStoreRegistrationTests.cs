using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

public sealed class MessageStoreRegistrationTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none";

    [Fact]
    public async Task Without_a_connection_string_the_message_store_is_in_memory()
    {
        await using var services = new ServiceCollection().AddLogging().AddSocialMessageStore(null).BuildServiceProvider();

        Assert.IsType<InMemoryMessageStore>(services.GetRequiredService<IMessageStore>());
        Assert.Null(services.GetService<NpgsqlDataSource>());
    }

    [Fact]
    public async Task With_a_connection_string_the_message_store_is_postgres_on_the_one_shared_data_source()
    {
        var collection = new ServiceCollection().AddLogging()
            .AddSocialStorage(ConnectionString)
            .AddSocialMessageStore(ConnectionString);
        await using var services = collection.BuildServiceProvider();

        Assert.IsType<PostgresMessageStore>(services.GetRequiredService<IMessageStore>());
        Assert.Single(collection, d => d.ServiceType == typeof(IMessageStore));
        Assert.Single(collection, d => d.ServiceType == typeof(NpgsqlDataSource));
    }

    [Theory]
    [InlineData(null, PostgresMessageStore.AppendWriters)]
    [InlineData("5", 5)]
    public async Task The_number_of_parallel_append_writers_comes_from_configuration(string? configured, int expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [MessageStoreServiceCollectionExtensions.AppendWritersKey] = configured })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSocialMessageStore(ConnectionString).BuildServiceProvider();

        var store = Assert.IsType<PostgresMessageStore>(services.GetRequiredService<IMessageStore>());
        Assert.Equal(expected, store.AppendWriterCount);
    }

    [Fact]
    public async Task A_container_disposed_synchronously_disposes_the_postgres_store()
    {
        var services = new ServiceCollection().AddLogging().AddSocialMessageStore(ConnectionString).BuildServiceProvider();
        var store = services.GetRequiredService<IMessageStore>();

        services.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync(
            new StoredMessage("c", 1, "alice", "bob", "hi", DateTimeOffset.UnixEpoch, IsGreeting: false, ClientMessageId: null)));
    }
}
