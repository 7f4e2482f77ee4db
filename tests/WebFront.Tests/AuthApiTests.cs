using System.Net;
using System.Net.Http.Json;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class AuthApiTests(SharedApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Register_then_login_returns_a_token_for_the_same_user()
    {
        var user = await TestUsers.SignUpAsync(_client);

        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username.ToUpperInvariant(), password = "correct horse battery" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(user.UserId, body.GetProperty("userId").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Usernames_are_unique_case_insensitively()
    {
        var name = TestUsers.NewUsername("Dup");
        await TestUsers.SignUpAsync(_client, name);

        var response = await _client.PostAsJsonAsync("/api/auth/register", new { username = name.ToLowerInvariant(), password = "another password" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "username_taken");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_create_one_account()
    {
        var name = TestUsers.NewUsername("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _client.PostAsJsonAsync("/api/auth/register", new { username = name, password = "correct horse battery" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Theory]
    [InlineData("ab", "long enough pw")]
    [InlineData("has space", "long enough pw")]
    [InlineData("valid_name", "short")]
    [InlineData("thirty_three_characters_long_name", "long enough pw")]
    public async Task Invalid_registration_is_a_validation_problem(string username, string password)
    {
        var response = await _client.PostAsJsonAsync("/api/auth/register", new { username, password });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await response.JsonAsync()).TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Wrong_password_is_invalid_credentials()
    {
        var user = await TestUsers.SignUpAsync(_client);

        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Eleventh_failed_login_within_the_window_is_rate_limited()
    {
        var user = await TestUsers.SignUpAsync(_client);
        for (var i = 0; i < 10; i++)
        {
            var failed = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "correct horse battery" });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Malformed_json_is_a_validation_problem_not_a_server_error()
    {
        using var content = new StringContent("{\"username\": 12, ", System.Text.Encoding.UTF8, "application/json");

        var response = await _client.PostAsync("/api/auth/register", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Wrong_json_types_are_a_validation_problem()
    {
        using var content = new StringContent("{\"username\": 12, \"password\": [1]}", System.Text.Encoding.UTF8, "application/json");

        var response = await _client.PostAsync("/api/auth/register", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
