using System.Net;
using System.Net.Http.Json;

namespace Social.WebFront.Tests;

/// <summary>The front end's own limits, on a server with small ones.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly SocialApiFactory _factory = new(connectionString: null, settings: new Dictionary<string, string?>
    {
        ["Social:RateLimits:SearchesPerMinute"] = "5",
        ["Social:RateLimits:RequestBurst"] = "40",
        ["Social:RateLimits:RequestsPerSecond"] = "1",
        ["Social:RateLimits:LoginsPerMinute"] = "5",
        ["Social:RateLimits:RegistrationsPerMinute"] = "5",
        ["Social:RateLimits:AnonymousRequestsPerSecond"] = "5",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Searches_are_limited_per_user()
    {
        var user = _factory.CreateClient().As(await TestUsers.SignUpAsync(_factory.CreateClient()));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            responses.Add(await user.GetAsync($"/api/users/search?q=a{i}"));
        }

        Assert.All(responses.Take(5), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await responses[5].AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(responses[5].Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Every_route_is_limited_per_user()
    {
        var user = _factory.CreateClient().As(await TestUsers.SignUpAsync(_factory.CreateClient()));

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => user.GetAsync("/api/messages/unread")));

        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 40, 45);
        await responses.First(r => r.StatusCode != HttpStatusCode.OK).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Logins_are_limited_per_address()
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            responses.Add(await _factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { username = TestUsers.NewUsername("nobody"), password = "wrong password" }));
        }

        Assert.All(responses.Take(5), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        await responses[5].AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }
}
