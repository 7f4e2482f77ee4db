using Social.Client;

namespace Social.Testing.Users;

/// <summary>A user a test signed up: the signed-in client and who it is.</summary>
/// <param name="Client">A client signed in as this user.</param>
/// <param name="Auth">The registration's answer.</param>
/// <param name="Password">The password, for signing in again.</param>
public sealed record TestUser(SocialClient Client, AuthResult Auth, string Password) : IDisposable
{
    /// <summary>The user's id.</summary>
    public string UserId => Auth.UserId;

    /// <summary>The user's username.</summary>
    public string Username => Auth.Username;

    /// <summary>The user's bearer token.</summary>
    public string AccessToken => Auth.AccessToken;

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}

/// <summary>The one sign-up and befriend helper of the tests and tools.</summary>
public static class TestUsers
{
    /// <summary>The password test users get.</summary>
    public const string Password = "correct horse battery";

    /// <summary>A fresh, valid username (3–32 of a-z 0-9 _ .) starting with <paramref name="prefix"/>.</summary>
    public static string NewUsername(string prefix = "u") => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 25)];

    /// <summary>Registers a new user on <paramref name="client"/> (which then acts as that user).</summary>
    public static Task<TestUser> SignUpAsync(SocialClient client, string prefix = "u", string? displayName = null, string? address = null, CancellationToken cancellationToken = default) =>
        RegisterAsync(client, NewUsername(prefix), Password, displayName, address, cancellationToken);

    /// <summary>
    /// Registers <paramref name="username"/> (a fresh one when null) over <paramref name="http"/>, for
    /// tests of the HTTP surface that go on with raw calls; the user's client shares that HttpClient.
    /// </summary>
    public static Task<TestUser> SignUpAsync(HttpClient http, string? username = null, string password = Password, string? address = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var client = new SocialClient(http, new SocialClientOptions { BaseAddress = http.BaseAddress });
        return RegisterAsync(client, username ?? NewUsername(), password, displayName: null, address, cancellationToken);
    }

    /// <summary>Registers exactly <paramref name="username"/> on <paramref name="client"/> (which then acts as that user).</summary>
    public static async Task<TestUser> RegisterAsync(
        SocialClient client, string username, string password = Password, string? displayName = null, string? address = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var auth = await client.Auth.RegisterAsync(new RegisterRequest(username, password, displayName, address), cancellationToken);
        return new TestUser(client, auth, password);
    }

    /// <summary><paramref name="a"/> asks, <paramref name="b"/> accepts; returns their conversation id.</summary>
    public static async Task<string> BefriendAsync(TestUser a, TestUser b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        await a.Client.Friends.RequestAsync(b.UserId, cancellationToken);
        await b.Client.Friends.AcceptAsync(a.UserId, cancellationToken);
        return await a.Client.Messages.GetConversationIdAsync(b.UserId, cancellationToken);
    }
}
