using Social.Testing.Users;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Client;

namespace Social.WebFront.Tests;

/// <summary>
/// The embedded server restarted and its in-memory accounts are gone: a token it signed before
/// (still valid: same key, not expired) names a user that no longer exists, and is refused like
/// an invalid token everywhere.
/// </summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class UnknownUserTokenTests(KestrelApiFactory server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A user registered on another embedded server, which has since gone: the token is well signed and unexpired.</summary>
    private static async Task<TestUser> UserOfAServerThatRestartedAsync()
    {
        await using var before = new SocialApiFactory(connectionString: null, settings: null);
        return await TestUsers.SignUpAsync(before.CreateClient());
    }

    [Fact]
    public async Task Rest_answers_401_with_a_problem()
    {
        var ghost = await UserOfAServerThatRestartedAsync();
        var client = server.CreateLoopbackClient().As(ghost);

        await (await client.GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.GetAsync("/api/friends/list")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.PostAsync("/api/messages/mark-read", JsonContent("""{"conversationId":"dm_x"}""")))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Hub_negotiate_and_connect_are_refused()
    {
        var ghost = await UserOfAServerThatRestartedAsync();
        var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/messages/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ghost.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateLoopbackClient().SendAsync(negotiate)).StatusCode);

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => EventRecorder.ConnectAsync(server.BaseAddress, ghost.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // Social.Client's connection treats it as signed out: 401 unauthorized, and no retry.
        using var client = server.CreateSocialClient();
        client.UseAccessToken(ghost.Auth.ToAccessToken());
        await using var connection = client.Connect();
        var signedOut = await Assert.ThrowsAsync<SocialApiException>(() => connection.StartAsync());
        Assert.Equal((401, ErrorCodes.Unauthorized), (signedOut.Status, signedOut.Code));
        Assert.Equal(ConnectionState.Unauthorized, connection.State);
    }

    [Fact]
    public async Task Raw_websocket_answers_auth_failed_and_closes()
    {
        var ghost = await UserOfAServerThatRestartedAsync();
        using var socket = await RawSocket.ConnectAsync(server.BaseAddress);

        var error = await socket.AuthenticateAsync(ghost.AccessToken, timeout: Timeout);

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("auth_failed", error.GetProperty("code").GetString());
        await socket.ReceiveCloseAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task A_token_of_a_user_that_exists_still_works_everywhere()
    {
        var user = await TestUsers.SignUpAsync(server.CreateLoopbackClient());
        Assert.Equal(HttpStatusCode.OK, (await server.CreateLoopbackClient().As(user).GetAsync("/api/users/me")).StatusCode);
        await using var connection = user.Client.Connect();
        await connection.StartAsync();
        Assert.Equal(ConnectionState.Connected, connection.State);
        Assert.Equal(HubConnectionState.Connected, connection.Hub.State);
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}
