using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.WebFront.Tests;

/// <summary>
/// The tests of the HTTP surface itself: users signed up through Social.Client (the kit's
/// <see cref="TestUsers"/>), then raw HttpClient calls with a bearer token and assertions on the
/// problem responses.
/// </summary>
public static class RawHttp
{
    /// <summary>A new user, and <paramref name="client"/> sending their token for raw calls.</summary>
    public static async Task<(HttpClient Client, TestUser User)> SignUpAsync(HttpClient client, string? address = null)
    {
        var user = await TestUsers.SignUpAsync(client, address: address);
        return (client.As(user), user);
    }

    /// <summary>Two new users (each with its own client from <paramref name="createClient"/>) who are friends.</summary>
    public static async Task<((HttpClient Client, TestUser User) A, (HttpClient Client, TestUser User) B)> FriendsAsync(Func<HttpClient> createClient)
    {
        var a = await SignUpAsync(createClient());
        var b = await SignUpAsync(createClient());
        await TestUsers.BefriendAsync(a.User, b.User);
        return (a, b);
    }

    public static HttpClient As(this HttpClient client, TestUser user)
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
