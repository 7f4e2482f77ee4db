using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;
using Social.Grains.Hosting;
using Social.Testing;

namespace Social.Storage.Tests.Orleans;

/// <summary>
/// Two-silo clusters whose membership, grain state and stream subscriptions live in PostgreSQL
/// through <see cref="PostgresSiloExtensions.UseSocialPostgres"/>; state written by one cluster is
/// read by a new one after the first is stopped.
/// </summary>
public sealed class GrainStorageClusterTests
{
    private const string ConnectionStringKey = "SocialTest:ConnectionString";

    [Fact]
    public async Task Prefixed_string_keys_keep_separate_state_across_a_cluster_restart()
    {
        var run = await ClusterRun.CreateAsync("prefixed_keys");
        string[] keys = ["u/a", "u/0a", "u/10", "u/A", "u/3f2504e04f8941d39a0c0305e82c3301"];

        await run.WithClusterAsync(async grains =>
        {
            foreach (var key in keys)
            {
                Assert.Null(await grains.GetGrain<IStateProbeGrain>(key).Swap($"value of {key}"));
            }
        });

        await run.WithClusterAsync(async grains =>
        {
            foreach (var key in keys)
            {
                var state = await grains.GetGrain<IStateProbeGrain>(key).Read();
                Assert.Equal($"value of {key}", state.Value);
                Assert.Equal([$"value of {key}"], state.History);
                Assert.Equal(new Dictionary<string, int> { [$"value of {key}"] = 1 }, state.WritesByValue);
            }
        });

        Assert.Equal(keys.Length, await run.CountRowsAsync("probe"));
    }

    [Fact]
    public async Task Raw_keys_that_read_as_the_same_hex_number_share_one_row()
    {
        // Documented behaviour of Orleans' ADO.NET storage (10.4.x), not something we chose: a
        // string key that parses as a hexadecimal long ("a", "0a", "A" are all 0xA; "10" is
        // 0x10) is stored as that number, so grains with such keys read and overwrite each
        // other's state. This is why our grains prefix their keys ("u/" + user id).
        var run = await ClusterRun.CreateAsync("raw_keys");

        await run.WithClusterAsync(async grains =>
        {
            Assert.Null(await grains.GetGrain<IStateProbeGrain>("a").Swap("written as a"));
            Assert.Equal("written as a", await grains.GetGrain<IStateProbeGrain>("0a").Swap("written as 0a"));
            Assert.Equal("written as 0a", await grains.GetGrain<IStateProbeGrain>("A").Swap("written as A"));
            Assert.Null(await grains.GetGrain<IStateProbeGrain>("10").Swap("written as 10"));
        });

        await run.WithClusterAsync(async grains =>
        {
            string[] sameNumber = ["a", "0a", "A"];
            foreach (var key in sameNumber)
            {
                var state = await grains.GetGrain<IStateProbeGrain>(key).Read();
                Assert.Equal("written as A", state.Value);
                Assert.Equal(["written as a", "written as 0a", "written as A"], state.History);
            }

            Assert.Equal("written as 10", (await grains.GetGrain<IStateProbeGrain>("10").Read()).Value);
        });

        Assert.Equal(2, await run.CountRowsAsync("probe"));
    }

    [Fact]
    public async Task Grain_classes_sharing_a_state_name_and_key_share_one_row()
    {
        // Also documented behaviour: the row is keyed by state name and grain key, not by grain
        // class. Every grain class needs its own state name.
        var run = await ClusterRun.CreateAsync("shared_state_name");

        await run.WithClusterAsync(async grains =>
        {
            Assert.Null(await grains.GetGrain<IStateProbeGrain>("u/same").Swap("from StateProbeGrain"));
            Assert.Equal("from StateProbeGrain", await grains.GetGrain<IOtherProbeGrain>("u/same").Swap("from OtherProbeGrain"));
        });

        Assert.Equal(1, await run.CountRowsAsync("probe"));
    }

    [Fact]
    public async Task State_is_stored_as_camel_case_json_without_type_names()
    {
        var run = await ClusterRun.CreateAsync("json_rows");

        await run.WithClusterAsync(grains => grains.GetGrain<IStateProbeGrain>("u/json").Swap("Hello"));

        await using var dataSource = NpgsqlDataSource.Create(run.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT convert_from(PayloadBinary, 'UTF8') FROM OrleansStorage WHERE GrainIdExtensionString = 'u/json'");
        var json = (string?)await command.ExecuteScalarAsync();
        Assert.Equal("""{"value":"Hello","history":["Hello"],"writesByValue":{"Hello":1}}""", json);
    }

    [Fact]
    public async Task Stream_subscriptions_in_PubSubStore_survive_reactivation_and_a_cluster_restart()
    {
        var run = await ClusterRun.CreateAsync("pubsub");

        await run.WithClusterAsync(async grains =>
        {
            var consumer = grains.GetGrain<IStreamProbeGrain>("u/listener");
            var talker = grains.GetGrain<IStreamProbeGrain>("u/talker");
            await consumer.Subscribe();
            await talker.Publish("u/listener", "one");
            await WaitForAsync(consumer, ["one"]);

            // Collect every activation, the stream's pub-sub grain included. Its stored state now
            // lists the stream's producers (the silos' pulling agents) besides the subscriber,
            // and the consumer's next activation reads it back (GetAllSubscriptionHandles).
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await talker.Publish("u/listener", "two");
            await WaitForAsync(consumer, ["one", "two"]);
        });

        await run.WithClusterAsync(async grains =>
        {
            // The new cluster knows the subscriber only from the PubSubStore rows.
            await grains.GetGrain<IStreamProbeGrain>("u/talker").Publish("u/listener", "three");
            await WaitForAsync(grains.GetGrain<IStreamProbeGrain>("u/listener"), ["one", "two", "three"]);
        });
    }

    [Fact]
    public async Task Rows_written_by_Orleans_provider_and_by_the_grouped_one_are_the_same_rows()
    {
        var run = await ClusterRun.CreateAsync("grouped_compat");
        string[] keys = ["u/plain", "u/3f2504e04f8941d39a0c0305e82c3301", "a", "10", "p/ünïcode"];

        await run.WithClusterAsync(grouped: false, action: async grains =>
        {
            foreach (var key in keys)
            {
                Assert.Null(await grains.GetGrain<IStateProbeGrain>(key).Swap("by Orleans"));
            }
        });

        await run.WithClusterAsync(grouped: true, action: async grains =>
        {
            foreach (var key in keys)
            {
                Assert.Equal("by Orleans", await grains.GetGrain<IStateProbeGrain>(key).Swap("grouped"));
            }
        });

        await run.WithClusterAsync(grouped: false, action: async grains =>
        {
            foreach (var key in keys)
            {
                var state = await grains.GetGrain<IStateProbeGrain>(key).Read();
                Assert.Equal(["by Orleans", "grouped"], state.History);
            }
        });

        Assert.Equal(keys.Length, await run.CountRowsAsync("probe"));
    }

    [Fact]
    public async Task Every_acknowledged_write_of_many_concurrent_grains_is_stored()
    {
        const int GrainCount = 300;
        const int WritesEach = 4;
        var run = await ClusterRun.CreateAsync("grouped_concurrent");

        await run.WithClusterAsync(grouped: true, action: grains => Task.WhenAll(Enumerable.Range(0, GrainCount).Select(async i =>
        {
            var grain = grains.GetGrain<IStateProbeGrain>($"u/many{i}");
            for (var write = 0; write < WritesEach; write++)
            {
                await grain.Swap($"write {write}");
            }
        })));

        await run.WithClusterAsync(grouped: true, action: async grains =>
        {
            var states = await Task.WhenAll(Enumerable.Range(0, GrainCount).Select(i => grains.GetGrain<IStateProbeGrain>($"u/many{i}").Read()));
            Assert.All(states, state => Assert.Equal(Enumerable.Range(0, WritesEach).Select(write => $"write {write}"), state.History));
        });
    }

    private static async Task WaitForAsync(IStreamProbeGrain consumer, List<string> expected)
    {
        List<string> received = [];
        await Eventually.WaitUntilAsync(async () => (received = await consumer.Received()).Count >= expected.Count, $"{expected.Count} events arrive");
        Assert.Equal(expected, received);
    }

    /// <summary>One database and one cluster identity, for clusters started one after another.</summary>
    private sealed class ClusterRun
    {
        private readonly string _serviceId = $"service-{Guid.NewGuid():N}";

        private ClusterRun(string connectionString) => ConnectionString = connectionString;

        public string ConnectionString { get; }

        public static async Task<ClusterRun> CreateAsync(string name) =>
            new(await (await PostgresServer.GetAsync()).CreateDatabaseAsync(name));

        /// <summary>
        /// Starts a two-silo cluster, runs <paramref name="action"/>, then stops the silos. Each
        /// cluster gets a new ClusterId (membership) and keeps the ServiceId (state).
        /// </summary>
        public Task WithClusterAsync(Func<IGrainFactory, Task> action) => WithClusterAsync(grouped: true, action);

        /// <param name="grouped">False: grain state through Orleans' ADO.NET provider alone.</param>
        public async Task WithClusterAsync(bool grouped, Func<IGrainFactory, Task> action)
        {
            var builder = new TestClusterBuilder(initialSilosCount: 2);
            builder.Options.ServiceId = _serviceId;
            builder.Options.ClusterId = $"cluster-{Guid.NewGuid():N}";
            builder.Options.UseTestClusterMembership = false;   // membership comes from PostgreSQL
            builder.Options.ConfigureFileLogging = false;
            builder.Properties[ConnectionStringKey] = ConnectionString;
            builder.Properties[PostgresSiloExtensions.GroupedGrainStateKey] = grouped ? "true" : "false";
            builder.AddSiloBuilderConfigurator<SiloConfigurator>();
            builder.AddClientBuilderConfigurator<ClientConfigurator>();

            var cluster = builder.Build();
            try
            {
                await cluster.DeployAsync();
                await action(cluster.GrainFactory);
            }
            finally
            {
                await cluster.StopAllSilosAsync();
                await cluster.DisposeAsync();
            }
        }

        public async Task<long> CountRowsAsync(string stateName)
        {
            await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = @state");
            command.Parameters.AddWithValue("state", stateName);
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .UseSocialPostgres(siloBuilder.Configuration[ConnectionStringKey]!)
            .AddMemoryStreams(StreamProbeGrain.Provider);
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresSiloExtensions.NpgsqlInvariant;
                options.ConnectionString = configuration[ConnectionStringKey];
            });
    }
}
