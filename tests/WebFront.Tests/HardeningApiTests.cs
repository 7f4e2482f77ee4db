using System.Net;
using System.Net.Http.Json;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class HardeningApiTests(SharedApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("/")]
    [InlineData("/api/users/me")]
    [InlineData("/health/live")]
    public async Task Responses_carry_the_security_headers(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_admin_route_without_a_key_is_401_even_without_a_body()
    {
        var user = await TestUsers.SignUpAsync(_client);

        var noBody = await factory.CreateClient().PutAsync($"/api/admin/users/{user.UserId}/plan", null);
        using var malformed = new StringContent("{\"plan\":", System.Text.Encoding.UTF8, "application/json");
        var badBody = await factory.CreateClient().PutAsync($"/api/admin/users/{user.UserId}/plan", malformed);

        await noBody.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await badBody.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_admin_route_with_the_key_still_validates_its_body()
    {
        var user = await TestUsers.SignUpAsync(_client);
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Admin-Key", SocialApiFactory.AdminKey);

        await (await admin.PutAsync($"/api/admin/users/{user.UserId}/plan", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/admin/users/{user.UserId}/plan", new { plan = "pro" })).StatusCode);
    }

    [Fact]
    public async Task The_conversation_with_someone_who_blocked_the_caller_is_not_found()
    {
        var caller = await TestUsers.SignUpAsync(_client);
        var blocker = await TestUsers.SignUpAsync(_client);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.CreateClient().As(blocker).PostAsync($"/api/friends/block/{caller.UserId}", null)).StatusCode);

        var response = await factory.CreateClient().As(caller).GetAsync($"/api/messages/conversations/with/{blocker.UserId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().As(blocker).GetAsync($"/api/messages/conversations/with/{caller.UserId}")).StatusCode);
    }

    [Theory]
    [InlineData("\u200B", "empty_message")]
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF \u200B", "empty_message")]
    [InlineData("hi\u0000there", "validation_failed")]
    public async Task Invisible_or_nul_content_is_refused(string content, string code)
    {
        var (sender, recipient) = await FriendsAsync();

        var response = await factory.CreateClient().As(sender).PostAsJsonAsync("/api/messages/send", new { recipientId = recipient.UserId, content });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task An_emoji_joined_by_zero_width_joiners_is_content()
    {
        var (sender, recipient) = await FriendsAsync();

        var response = await factory.CreateClient().As(sender).PostAsJsonAsync("/api/messages/send", new { recipientId = recipient.UserId, content = "\U0001F469\u200D\U0001F4BB" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<(TestUser, TestUser)> FriendsAsync()
    {
        var (a, b) = await RawHttp.FriendsAsync(factory.CreateClient);
        return (a.User, b.User);
    }
}
