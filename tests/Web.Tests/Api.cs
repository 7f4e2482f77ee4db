using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.Web.Tests;

public sealed record TestUser(string UserId, string Username, string Password, string AccessToken);

/// <summary>The contract over HTTP, for setting the stage faster than through the page.</summary>
public static class Api
{
    public const string Password = "correct horse battery";

    /// <summary>A fresh, valid username (3–32 of a-z 0-9 _ .) that reads well in screenshots.</summary>
    public static string NewUsername(string name) => $"{name}_{Guid.NewGuid():N}"[..Math.Min(32, name.Length + 7)];

    public static async Task<TestUser> RegisterAsync(this WebServer server, string name, string? displayName = null)
    {
        using var client = server.CreateLoopbackClient();
        var username = NewUsername(name);
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username, password = Password, displayName });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("userId").GetString()!, username, Password, body.GetProperty("accessToken").GetString()!);
    }

    public static HttpClient ClientFor(this WebServer server, TestUser user)
    {
        var client = server.CreateLoopbackClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    public static async Task MakeFriendsAsync(this WebServer server, TestUser a, TestUser b)
    {
        using var asA = server.ClientFor(a);
        using var asB = server.ClientFor(b);
        Assert.Equal(HttpStatusCode.OK, (await asA.PostAsync(new Uri($"/api/friends/request/{b.UserId}", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asB.PostAsync(new Uri($"/api/friends/accept/{a.UserId}", UriKind.Relative), null)).StatusCode);
    }

    public static async Task<JsonElement> SendAsync(this WebServer server, TestUser from, TestUser to, string content)
    {
        using var client = server.ClientFor(from);
        var response = await client.PostAsJsonAsync("/api/messages/send", new { recipientId = to.UserId, content, clientMessageId = Guid.NewGuid().ToString("N") });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
