namespace Social.Client.Tests;

/// <summary>Each refusal of the contract arrives as a <see cref="SocialApiException"/> with its status and code.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class RefusalTests(SharedServer server)
{
    [Fact]
    public async Task Auth_refusals()
    {
        using var client = server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(client, "taken");
        await Refused(409, ErrorCodes.UsernameTaken, () => server.CreateSocialClient().Auth.RegisterAsync(new RegisterRequest(user.Username, TestUsers.Password)));
        var invalid = await Refused(400, ErrorCodes.ValidationFailed, () => server.CreateSocialClient().Auth.RegisterAsync(new RegisterRequest("x", "short")));
        Assert.Contains("username", invalid.Errors.Keys);
        Assert.Contains("password", invalid.Errors.Keys);
        await Refused(401, ErrorCodes.InvalidCredentials, () => server.CreateSocialClient().Auth.LoginAsync(user.Username, "wrong password"));
        await Refused(401, ErrorCodes.Unauthorized, () => server.CreateSocialClient().Users.GetMeAsync());
    }

    [Fact]
    public async Task Friend_refusals()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var carol = await server.SignUpAsync("carol");
        await Refused(400, ErrorCodes.CannotFriendSelf, () => alice.Client.Friends.RequestAsync(alice.UserId));
        await Refused(404, ErrorCodes.UserNotFound, () => alice.Client.Friends.RequestAsync("nobody-" + Guid.NewGuid().ToString("N")));
        await alice.Client.Friends.RequestAsync(bob.UserId);
        await Refused(409, ErrorCodes.RequestAlreadySent, () => alice.Client.Friends.RequestAsync(bob.UserId));
        await Refused(404, ErrorCodes.NoPendingRequest, () => alice.Client.Friends.AcceptAsync(carol.UserId));
        await Refused(404, ErrorCodes.NoPendingRequest, () => alice.Client.Friends.RejectAsync(carol.UserId));
        await Refused(404, ErrorCodes.NoPendingRequest, () => bob.Client.Friends.CancelAsync(alice.UserId));
        await bob.Client.Friends.AcceptAsync(alice.UserId);
        await Refused(409, ErrorCodes.AlreadyFriends, () => alice.Client.Friends.RequestAsync(bob.UserId));
        await Refused(404, ErrorCodes.NotFriends, () => alice.Client.Friends.UnfriendAsync(carol.UserId));
        await Refused(404, ErrorCodes.NotBlocked, () => alice.Client.Friends.UnblockAsync(carol.UserId));
        await carol.Client.Friends.BlockAsync(alice.UserId);
        await Refused(403, ErrorCodes.Blocked, () => alice.Client.Friends.RequestAsync(carol.UserId));
        await Refused(404, ErrorCodes.UserNotFound, () => alice.Client.Users.GetAsync(carol.UserId));
    }

    [Fact]
    public async Task Message_refusals_over_rest_and_the_hub()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var stranger = await server.SignUpAsync("stranger");
        var conversationId = await TestUsers.BefriendAsync(alice, bob);

        await Refused(403, ErrorCodes.NotFriends, () => stranger.Client.Messages.SendAsync(new SendMessageRequest(alice.UserId, "hi")));
        await Refused(400, ErrorCodes.EmptyMessage, () => alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, "  ")));
        await Refused(400, ErrorCodes.MessageTooLong, () => alice.Client.Messages.SendAsync(new SendMessageRequest(bob.UserId, new string('x', 2001))));
        await Refused(404, ErrorCodes.ConversationNotFound, () => stranger.Client.Messages.GetHistoryAsync(conversationId));
        await Refused(404, ErrorCodes.ConversationNotFound, () => stranger.Client.Messages.MarkReadAsync(new MarkReadRequest(conversationId)));
        await stranger.Client.Admin.SetPlanAsync(SocialTestServer.AdminKey, stranger.UserId, Plans.Pro);
        await alice.Client.Admin.SetPlanAsync(SocialTestServer.AdminKey, alice.UserId, Plans.Pro);
        await Refused(409, ErrorCodes.AlreadyFriends, () => alice.Client.Messages.SendGreetingAsync(new GreetingRequest(bob.UserId, "hi")));
        await bob.Client.Friends.BlockAsync(stranger.UserId);
        await Refused(403, ErrorCodes.Blocked, () => stranger.Client.Messages.SendGreetingAsync(new GreetingRequest(bob.UserId, "hi")));

        await using var hub = stranger.Client.Connect();
        await hub.StartAsync();
        var onHub = await Refused(null, ErrorCodes.NotFriends, () => hub.SendMessageAsync(new SendMessageRequest(alice.UserId, "hi")));
        Assert.False(onHub.IsTransient);
        await Refused(null, ErrorCodes.ConversationNotFound, () => hub.MarkReadAsync(conversationId));
        await Refused(null, ErrorCodes.ConversationNotFound, () => hub.TypingAsync(conversationId));

        // The outbox gives a rule refusal back and does not retry it.
        await using var aliceHub = alice.Client.Connect();
        await aliceHub.StartAsync();
        await Refused(null, ErrorCodes.EmptyMessage, () => aliceHub.SendAsync(bob.UserId, " "));
        Assert.Empty(aliceHub.Outbox.Pending);
    }

    internal static async Task<SocialApiException> Refused(int? status, string code, Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<SocialApiException>(call);
        Assert.True((refused.Status, refused.Code) == (status, code), $"Expected {status} {code}, got {refused.Message}");
        return refused;
    }
}

/// <summary>Refusals that need small limits: their own server.</summary>
public sealed class LimitRefusalTests : IDisposable
{
    private readonly SocialTestServer _server = new(new SocialTestServerOptions
    {
        Settings = new Dictionary<string, string?>
        {
            ["Social:Friends:FreeFriendLimit"] = "1",
            ["Social:RateLimits:SearchesPerMinute"] = "2",
        },
    });

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Friend_limit_and_rate_limit_with_retry_after()
    {
        using var alice = await TestUsers.SignUpAsync(_server.CreateSocialClient(), "alice");
        using var bob = await TestUsers.SignUpAsync(_server.CreateSocialClient(), "bob");
        using var carol = await TestUsers.SignUpAsync(_server.CreateSocialClient(), "carol");
        await TestUsers.BefriendAsync(alice, bob);
        await RefusalTests.Refused(409, ErrorCodes.FriendLimitReached, () => alice.Client.Friends.RequestAsync(carol.UserId));

        await alice.Client.Users.SearchAsync("a");
        await alice.Client.Users.SearchAsync("b");
        var limited = await RefusalTests.Refused(429, ErrorCodes.RateLimited, () => alice.Client.Users.SearchAsync("c"));
        Assert.True(limited.RetryAfter > TimeSpan.Zero);
        Assert.True(limited.IsTransient);
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_through_the_hook_and_the_call_retried()
    {
        using var setup = _server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(setup, "refresh");
        var refreshes = 0;
        using var client = _server.CreateSocialClient(options => options.RefreshAccessToken = async cancellationToken =>
        {
            Interlocked.Increment(ref refreshes);
            using var signIn = _server.CreateSocialClient();
            return (await signIn.Auth.LoginAsync(user.Username, user.Password, cancellationToken)).ToAccessToken();
        });
        client.UseAccessToken("not-a-token");

        Assert.Equal(user.UserId, (await client.Users.GetMeAsync()).UserId);
        Assert.Equal(1, refreshes);
    }
}
