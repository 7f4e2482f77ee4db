using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Social.Client;
using Social.Testing.Users;

namespace Social.WebFront.Tests;

public sealed record RegisteredUser(string UserId, string Username, string AccessToken);

/// <summary>
/// Helpers for the tests of the HTTP surface itself: registration through Social.Client, then raw
/// HttpClient calls with a bearer token and assertions on the problem responses.
/// </summary>
public static class ApiClient
{
    public static string NewUsername(string prefix = "u") => TestUsers.NewUsername(prefix);

    /// <summary>Registers through Social.Client over <paramref name="client"/> (the test server's handler).</summary>
    public static async Task<RegisteredUser> RegisterAsync(this HttpClient client, string? username = null, string password = TestUsers.Password, string? address = null)
    {
        using var social = new SocialClient(client, new SocialClientOptions { BaseAddress = client.BaseAddress });
        var auth = await social.Auth.RegisterAsync(new RegisterRequest(username ?? NewUsername(), password, Address: address));
        return new RegisteredUser(auth.UserId, auth.Username, auth.AccessToken);
    }

    public static HttpClient As(this HttpClient client, RegisteredUser user)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a contract problem: status, problem+json and the <c>code</c> member.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }
}
