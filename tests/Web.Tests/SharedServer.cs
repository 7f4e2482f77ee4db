namespace Social.Web.Tests;

/// <summary>One in-memory server for the browser tests that do not restart it (users are fresh per test).</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public WebServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await WebServer.StartAsync(settings: new Dictionary<string, string?>
        {
            // Three friend requests a minute (one every 20 s), so the rate-limit test can run out
            // on purpose; no other test sends more than one request per user.
            ["Social:RateLimits:FriendRequestsPerMinute"] = "3",
            // Long histories are set up through the API quickly.
            ["Social:RateLimits:MessageBurst"] = "1000",
            ["Social:RateLimits:MessagesPerSecond"] = "1000",
        });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
