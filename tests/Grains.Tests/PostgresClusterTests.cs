using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Social.Grains.Friends;
using Social.Grains.Hosting;
using Social.Grains.Users;
using Social.Testing;

namespace Social.Grains.Tests;

/// <summary>Grains on a two-silo cluster whose state and membership live in a real PostgreSQL.</summary>
public sealed class PostgresClusterTests
{
    private static async Task<TestCluster> StartClusterAsync(string connectionString)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);

        // Orleans keys stored grain state by service id: a restarted cluster must keep its id.
        builder.Options.ServiceId = SocialNames.ServiceId;
        builder.Properties["ConnectionStrings:Social"] = connectionString;
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Relationships_and_plans_survive_a_restart_of_the_whole_cluster()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_restart");
        // Hex-looking and numeric ids must not share storage rows.
        var (a, b, c, d) = ("a", "0a", "10", TestUsers.NewId("d"));

        var cluster = await StartClusterAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            await grains.GetFriendship(a, b).Request(a);
            await grains.GetFriendship(a, b).Accept(b);
            await grains.GetFriendship(c, a).Request(c);
            await grains.GetFriendship(d, b).Block(d);
            await grains.GetUser(a).SetPlan(Plan.Pro);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        var restarted = await StartClusterAsync(connectionString);
        try
        {
            var grains = restarted.GrainFactory;
            Assert.Equal(new UserSummary(Plan.Pro, 1, 2000), await grains.GetUser(a).GetSummary());
            Assert.Equal(new UserSummary(Plan.Free, 1, 500), await grains.GetUser(b).GetSummary());
            Assert.Equal(PeerStatus.Friends, (await grains.GetUser(b).GetRelationship(a)).Status);
            Assert.Equal(PeerStatus.PendingIncoming, (await grains.GetUser(a).GetRelationship(c)).Status);
            Assert.Equal(PeerStatus.PendingOutgoing, (await grains.GetUser(c).GetRelationship(a)).Status);
            Assert.Equal(PeerStatus.None, (await grains.GetUser(c).GetRelationship(b)).Status);
            Assert.True((await grains.GetUser(b).GetRelationship(d)).BlockedMe);
            Assert.Equal(FriendError.Blocked, (await grains.GetFriendship(b, d).Request(b)).Error);
            Assert.Equal(FriendError.AlreadyFriends, (await grains.GetFriendship(a, b).Request(b)).Error);
        }
        finally
        {
            await restarted.StopAllSilosAsync();
            await restarted.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cross_requests_on_postgres_end_as_friends_on_both_sides()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster_race");
        var cluster = await StartClusterAsync(connectionString);
        try
        {
            var grains = cluster.GrainFactory;
            var pairs = Enumerable.Range(0, 50).Select(_ => (A: TestUsers.NewId("a"), B: TestUsers.NewId("b"))).ToList();

            var results = await Task.WhenAll(pairs.SelectMany(pair => new[]
            {
                grains.GetFriendship(pair.A, pair.B).Request(pair.A),
                grains.GetFriendship(pair.B, pair.A).Request(pair.B),
            }));

            Assert.All(results, result => Assert.True(result.Succeeded));
            foreach (var (a, b) in pairs)
            {
                Assert.Equal(PeerStatus.Friends, (await grains.GetUser(a).GetRelationship(b)).Status);
                Assert.Equal(PeerStatus.Friends, (await grains.GetUser(b).GetRelationship(a)).Status);
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private sealed class PostgresSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.UseSocialPostgres(siloBuilder.Configuration.GetConnectionString("Social")!);
            siloBuilder.Services.AddSocialGrainOptions(siloBuilder.Configuration);
        }
    }
}
