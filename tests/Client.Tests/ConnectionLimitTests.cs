using Social.Testing.Waiting;

namespace Social.Client.Tests;

/// <summary>A connection past the user's limit on a front: reported, not retried in a loop.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_connection_past_the_limit_stops_and_reports_it_and_the_first_keeps_its_events()
    {
        // One connection per user, so the second is the one past the limit.
        await using var server = new SocialTestServer(new SocialTestServerOptions
        {
            Kestrel = true,
            Settings = new Dictionary<string, string?> { ["Social:Realtime:MaxConnectionsPerUser"] = "1" },
        });
        using var setup = server.CreateSocialClient();
        var user = await TestUsers.SignUpAsync(setup, "limited");
        using var friend = await TestUsers.SignUpAsync(server.CreateSocialClient(), "friend");
        await TestUsers.BefriendAsync(friend, user);
        await using var first = user.Client.Connect();
        var firstLog = new EventLog(first);
        await first.StartAsync();

        using var secondClient = server.CreateSocialClient();
        secondClient.UseAccessToken(user.AccessToken);
        await using var second = secondClient.Connect();
        var states = new List<ConnectionState>();
        second.StateChanged += (_, state) => { lock (states) { states.Add(state); } };
        await second.StartAsync();

        await Eventually.WaitUntilAsync(() => second.State == ConnectionState.TooManyConnections, "the second connection reports the limit", TimeSpan.FromSeconds(30));
        lock (states)
        {
            // Connected once (the handshake), then refused: no reconnect attempts after it.
            Assert.Equal(ConnectionState.TooManyConnections, states[^1]);
            Assert.DoesNotContain(ConnectionState.Reconnecting, states);
        }

        await friend.Client.Messages.SendAsync(new SendMessageRequest(user.UserId, "to the first"));
        Assert.Equal("to the first", (await firstLog.WaitForAsync<NewMessageEvent>()).Message.Content);
        Assert.Equal(ConnectionState.TooManyConnections, second.State);
    }
}
