using System.Net;
using System.Net.Http.Json;
using Social.Testing;

namespace Social.WebFront.Tests;

/// <summary>The whole server on a real PostgreSQL: what was acknowledged is there after a restart.</summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task Accounts_plans_and_friendships_survive_a_restart_of_the_server()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("restart");
        TestUser alice, bob, carol;
        var adminSettings = new Dictionary<string, string?>();

        await using (var first = new SocialApiFactory(connectionString, adminSettings))
        {
            var client = first.CreateClient();
            alice = await TestUsers.SignUpAsync(client);
            bob = await TestUsers.SignUpAsync(client, address: $"0x{Guid.NewGuid():N}");
            carol = await TestUsers.SignUpAsync(client);
            var asAlice = first.CreateClient().As(alice);
            var asBob = first.CreateClient().As(bob);
            var asCarol = first.CreateClient().As(carol);
            await asAlice.PostAsync($"/api/friends/request/{bob.UserId}", null);
            Assert.Equal(HttpStatusCode.OK, (await asBob.PostAsync($"/api/friends/accept/{alice.UserId}", null)).StatusCode);
            await asCarol.PostAsync($"/api/friends/request/{alice.UserId}", null);
            await asCarol.PostAsync($"/api/friends/block/{bob.UserId}", null);
            client.DefaultRequestHeaders.Add("X-Admin-Key", SocialApiFactory.AdminKey);
            Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsJsonAsync($"/api/admin/users/{alice.UserId}/plan", new { plan = "pro" })).StatusCode);
        }

        await using var second = new SocialApiFactory(connectionString, adminSettings);
        var login = await second.CreateClient().PostAsJsonAsync("/api/auth/login", new { username = alice.Username, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var aliceAgain = second.CreateClient().As(alice);
        var me = await (await aliceAgain.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal("pro", me.GetProperty("plan").GetString());
        Assert.Equal(1, me.GetProperty("friendCount").GetInt32());
        var friends = await (await aliceAgain.GetAsync("/api/friends/list")).JsonAsync();
        Assert.Equal(bob.UserId, Assert.Single(friends.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());
        var pending = await (await aliceAgain.GetAsync("/api/friends/list?status=pending")).JsonAsync();
        Assert.Equal(carol.UserId, Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());

        var bobAgain = second.CreateClient().As(bob);
        await (await bobAgain.GetAsync($"/api/users/{carol.UserId}")).AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        Assert.Equal(HttpStatusCode.Created, (await second.CreateClient().PostAsJsonAsync("/api/auth/register", new { username = TestUsers.NewUsername(), password = "long enough" })).StatusCode);
        await (await second.CreateClient().PostAsJsonAsync("/api/auth/register", new { username = carol.Username, password = "long enough" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "username_taken");
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().GetAsync("/health/ready")).StatusCode);
    }
}
