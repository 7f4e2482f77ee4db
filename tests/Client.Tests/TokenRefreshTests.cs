namespace Social.Client.Tests;

/// <summary>The token refresh hook, for REST calls and for the hub's (re)connects.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class TokenRefreshTests(SharedServer server)
{
    [Fact]
    public async Task An_expired_token_is_refreshed_through_the_hook_before_the_call()
    {
        using var setup = server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(setup, "expired");
        var refresher = new Refresher(server, user);
        using var client = server.CreateSocialClient(options => options.RefreshAccessToken = refresher.RefreshAsync);
        client.UseAccessToken(new AccessToken(user.AccessToken, DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.Equal(user.UserId, (await client.Users.GetMeAsync()).UserId);
        Assert.Equal(1, refresher.Count);
        Assert.NotEqual(user.AccessToken, client.AccessToken?.Value);
        Assert.True(client.AccessToken?.ExpiresAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_replaced_token_refused_by_the_hub_is_refreshed_and_the_connection_made()
    {
        using var setup = server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(setup, "hubtoken");
        using var friend = await server.SignUpAsync("friend");
        await TestUsers.BefriendAsync(friend, user);
        var refresher = new Refresher(server, user);
        using var client = server.CreateSocialClient(options => options.RefreshAccessToken = refresher.RefreshAsync);
        client.UseAccessToken("not-a-token");

        await using var live = client.Connect();
        var log = new EventLog(live);
        await live.StartAsync();
        await friend.Client.Messages.SendAsync(new SendMessageRequest(user.UserId, "after the refresh"));

        Assert.Equal("after the refresh", (await log.WaitForAsync<NewMessageEvent>()).Message.Content);
        Assert.Equal(1, refresher.Count);
    }

    [Fact]
    public async Task Without_a_new_token_the_connection_reports_unauthorized()
    {
        using var client = server.CreateSocialClient(options => options.RefreshAccessToken = _ => Task.FromResult<AccessToken?>(null));
        client.UseAccessToken("not-a-token");
        await using var live = client.Connect();

        var refused = await RefusalTests.Refused(401, ErrorCodes.Unauthorized, () => live.StartAsync());
        Assert.Equal(ConnectionState.Unauthorized, live.State);
        Assert.NotNull(refused.InnerException);
    }

    /// <summary>Signs the user in again, counting how often it was asked.</summary>
    internal sealed class Refresher(SocialTestServer server, TestUser user)
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async Task<AccessToken?> RefreshAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            using var signIn = server.CreateSocialClient();
            return (await signIn.Auth.LoginAsync(user.Username, user.Password, cancellationToken)).ToAccessToken();
        }
    }
}

/// <summary>The hub closes a connection when its token expires; the reconnect takes a fresh token from the hook and misses nothing.</summary>
public sealed class TokenExpiryTests : IDisposable
{
    private readonly SocialTestServer _server = new(new SocialTestServerOptions
    {
        Kestrel = true,
        Settings = new Dictionary<string, string?> { ["Social:Auth:AccessTokenMinutes"] = "1" },
    });

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task A_connection_closed_at_token_expiry_reconnects_with_a_refreshed_token()
    {
        using var setup = _server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(setup, "expiring");
        using var friend = await TestUsers.SignUpAsync(_server.CreateSocialClient(), "friend");
        var conversationId = await TestUsers.BefriendAsync(friend, user);
        var refresher = new TokenRefreshTests.Refresher(_server, user);
        using var client = _server.CreateSocialClient(options =>
        {
            options.RefreshAccessToken = refresher.RefreshAsync;
            options.RefreshMargin = TimeSpan.Zero;
        });
        client.UseAccessToken(user.Auth.ToAccessToken());
        await using var live = client.Connect();
        var log = new EventLog(live);
        var states = new List<ConnectionState>();
        live.StateChanged += (_, state) =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };
        await live.StartAsync();
        await friend.Client.Messages.SendAsync(new SendMessageRequest(user.UserId, "before expiry"));
        await log.WaitForMessagesAsync(conversationId, 1);

        // The token lives a minute: the server closes the connection then, and the client comes back with a new one.
        await Eventually.WaitUntilAsync(() => refresher.Count >= 1 && live.State == ConnectionState.Connected, "the connection is back on a refreshed token", TimeSpan.FromMinutes(2));
        await friend.Client.Messages.SendAsync(new SendMessageRequest(user.UserId, "after expiry"));
        await log.WaitForMessagesAsync(conversationId, 2);

        lock (states)
        {
            Assert.Contains(ConnectionState.Reconnecting, states);
        }

        Assert.NotEqual(user.AccessToken, client.AccessToken?.Value);
        Assert.Equal(["before expiry", "after expiry"], log.Messages.Select(m => m.Content));
        Assert.DoesNotContain(log.All.OfType<NewMessageEvent>(), e => e.CaughtUp);
    }
}
