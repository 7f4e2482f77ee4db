using Social.Client;

namespace Social.Web.Tests;

/// <summary>
/// The contract over HTTP, for setting the stage faster than through the page; users come from
/// the shared <see cref="TestUsers"/> kit (each signed in on its own <see cref="SocialClient"/>).
/// </summary>
public static class Api
{
    /// <summary>The test users' password (the kit's), for typing into the sign-in form.</summary>
    public const string Password = TestUsers.Password;

    /// <summary>Signs up a fresh user (username starting with <paramref name="name"/>).</summary>
    public static Task<TestUser> RegisterAsync(this WebServer server, string name, string? displayName = null) =>
        TestUsers.SignUpAsync(server.CreateSocialClient(), name, displayName);

    public static Task MakeFriendsAsync(this WebServer server, TestUser a, TestUser b) => TestUsers.BefriendAsync(a, b);

    public static Task<Message> SendAsync(this WebServer server, TestUser from, TestUser to, string content) =>
        from.Client.Messages.SendAsync(new SendMessageRequest(to.UserId, content, Guid.NewGuid().ToString("N")));
}
