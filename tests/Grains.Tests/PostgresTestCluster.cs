using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Social.Grains.Hosting;
using Social.Storage;
using Social.Storage.Messages;

namespace Social.Grains.Tests;

/// <summary>A two-silo test cluster whose grain state, messages and membership live in a real PostgreSQL database.</summary>
internal static class PostgresTestCluster
{
    public static async Task<TestCluster> StartAsync(string connectionString)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);

        // Orleans keys stored grain state by service id: a restarted cluster must keep its id.
        builder.Options.ServiceId = SocialNames.ServiceId;
        builder.Options.ClusterId = $"test-{Guid.NewGuid():N}";

        // Membership from the PostgreSQL table, as in production.
        builder.Options.UseTestClusterMembership = false;
        builder.Properties["ConnectionStrings:Social"] = connectionString;
        builder.Properties["Social:RateLimits:MessagesPerSecond"] = "100000";
        builder.Properties["Social:RateLimits:MessageBurst"] = "100000";
        builder.Properties["Social:RateLimits:FriendRequestsPerMinute"] = "100000";
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class PostgresClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresSiloExtensions.NpgsqlInvariant;
                options.ConnectionString = configuration.GetConnectionString("Social");
            });
    }

    private sealed class PostgresSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = siloBuilder.Configuration.GetConnectionString("Social")!;
            siloBuilder.UseSocialPostgres(connectionString);
            siloBuilder.AddSocialStreams();
            siloBuilder.Services.AddSocialStorage(connectionString);
            siloBuilder.Services.AddSocialMessageStore(connectionString);
            siloBuilder.Services.AddSocialGrainOptions(siloBuilder.Configuration);
            // The production probe settings, so a killed silo is declared dead in seconds.
            siloBuilder.Services.AddOptions<ClusterMembershipOptions>().Configure(SocialMembershipDefaults.Apply);
        }
    }
}
