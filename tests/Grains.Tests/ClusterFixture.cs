using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Social.Storage.Groups;
using Social.Storage.Messages;
using Orleans.TestingHost;
using Social.Grains.Hosting;

namespace Social.Grains.Tests;

/// <summary>
/// A two-silo test cluster with in-memory storage and small limits, so limit rules can be
/// reached quickly: free 3 friends, PRO 5, 20 friend requests a minute, groups of 6. Message rate limits
/// are lifted here (they are tested through the API).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int FreeLimit = 3;
    public const int ProLimit = 5;
    public const int MaxGroupMembers = 6;

    /// <summary>Short, so a front that stops renewing is seen to expire within a test.</summary>
    public static readonly TimeSpan PresenceLease = TimeSpan.FromSeconds(2);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.Properties["Social:Friends:FreeFriendLimit"] = FreeLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties["Social:Friends:ProFriendLimit"] = ProLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties["Social:RateLimits:MessagesPerSecond"] = "100000";
        builder.Properties["Social:RateLimits:MessageBurst"] = "100000";
        builder.Properties["Social:Groups:MaxMembers"] = MaxGroupMembers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties["Social:Presence:Lease"] = PresenceLease.ToString();
        builder.Properties["Social:Presence:CoalesceWindow"] = "00:00:00.500";
        builder.AddSiloBuilderConfigurator<MemorySiloConfigurator>();
        builder.AddClientBuilderConfigurator<StreamingClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private static readonly InMemoryMessageStore SharedMessages = new();
    private static readonly InMemoryGroupStore SharedGroups = new();

    /// <summary>The test's client can subscribe to users' streams, as a front end does.</summary>
    private sealed class StreamingClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.AddSocialStreams();
    }

    private sealed class MemorySiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(SocialNames.GrainStorage);
            siloBuilder.AddMemoryGrainStorage(SocialNames.PubSubStorage);
            siloBuilder.AddSocialStreams();

            // One store for both silos, as one database would be.
            siloBuilder.Services.AddSingleton<IMessageStore>(SharedMessages);
            siloBuilder.Services.AddSingleton<IGroupStore>(SharedGroups);
            siloBuilder.Services.AddSocialGrainOptions(siloBuilder.Configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterDefinition : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
