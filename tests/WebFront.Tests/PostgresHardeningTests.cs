using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Social.Testing;

namespace Social.WebFront.Tests;

/// <summary>The server on a real PostgreSQL: bad text and an exhausted pool are refusals, never 500.</summary>
public sealed class PostgresHardeningTests
{
    [Fact]
    public async Task Nul_characters_are_a_validation_problem_on_postgres()
    {
        var server = await PostgresServer.GetAsync();
        await using var factory = new SocialApiFactory(await server.CreateDatabaseAsync("nul"), settings: null);
        var client = factory.CreateClient();
        var a = await TestUsers.SignUpAsync(client);
        var b = await TestUsers.SignUpAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().As(a).PostAsync($"/api/friends/request/{b.UserId}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().As(b).PostAsync($"/api/friends/accept/{a.UserId}", null)).StatusCode);

        var content = await factory.CreateClient().As(a).PostAsJsonAsync("/api/messages/send", new { recipientId = b.UserId, content = "a\u0000b" });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "a\u0000b", password = "long enough password" });
        var register = await client.PostAsJsonAsync("/api/auth/register", new { username = TestUsers.NewUsername(), password = "long enough password", displayName = "a\u0000b" });
        var search = await factory.CreateClient().As(a).GetAsync("/api/users/search?q=a%00b");

        await content.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await login.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await register.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await search.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task An_exhausted_connection_pool_is_503_with_retry_after_never_500()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("pool")) { MaxPoolSize = 3, Timeout = 1 }.ConnectionString;
        await using var factory = new SocialApiFactory(connectionString, settings: null);
        var client = factory.CreateClient();
        var user = await TestUsers.SignUpAsync(client);
        var asUser = factory.CreateClient().As(user);

        // Everything our data source may open is taken: requests that need it wait, then give up.
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await dataSource.OpenConnectionAsync());
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => asUser.GetAsync($"/api/users/{user.UserId}")));

        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        Assert.DoesNotContain(responses, r => (int)r.StatusCode >= 500 && r.StatusCode != HttpStatusCode.ServiceUnavailable);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.Equal(HttpStatusCode.OK, (await asUser.GetAsync($"/api/users/{user.UserId}")).StatusCode);
    }
}
