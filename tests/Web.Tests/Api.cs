using System.Net.Http.Headers;
using Social.Client;

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
        using var client = server.SocialClient();
        var auth = await client.Auth.RegisterAsync(new RegisterRequest(NewUsername(name), Password, displayName));
        return new TestUser(auth.UserId, auth.Username, Password, auth.AccessToken);
    }

    /// <summary>A raw HttpClient acting as <paramref name="user"/>, for checks on status codes.</summary>
    public static HttpClient ClientFor(this WebServer server, TestUser user)
    {
        var client = server.CreateLoopbackClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    public static async Task MakeFriendsAsync(this WebServer server, TestUser a, TestUser b)
    {
        using var asA = server.SocialClient(a);
        using var asB = server.SocialClient(b);
        await asA.Friends.RequestAsync(b.UserId);
        await asB.Friends.AcceptAsync(a.UserId);
    }

    public static async Task<Message> SendAsync(this WebServer server, TestUser from, TestUser to, string content)
    {
        using var client = server.SocialClient(from);
        return await client.Messages.SendAsync(new SendMessageRequest(to.UserId, content, Guid.NewGuid().ToString("N")));
    }

    /// <summary>Social.Client on this server, signed in as <paramref name="user"/> when given.</summary>
    public static SocialClient SocialClient(this WebServer server, TestUser? user = null)
    {
        var client = new SocialClient(server.BaseAddress);
        if (user is not null)
        {
            client.UseAccessToken(user.AccessToken);
        }

        return client;
    }
}
