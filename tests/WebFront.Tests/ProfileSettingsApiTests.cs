using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Testing.Users;

namespace Social.WebFront.Tests;

/// <summary>Changing the display name and the password (docs/api.md, "Profile settings").</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class ProfileSettingsApiTests(KestrelApiFactory server)
{
    private const string NewPassword = "a brand new secret";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private HttpClient Anonymous() => server.CreateLoopbackClient();

    private async Task<TestUser> RegisterAsync() => await TestUsers.SignUpAsync(Anonymous());

    private HttpClient As(TestUser user) => Anonymous().As(user);

    private static TestUser WithToken(TestUser user, string accessToken) => user with { Auth = user.Auth with { AccessToken = accessToken } };

    private async Task<HttpResponseMessage> ChangePasswordAsync(TestUser user, string? current, string? next) =>
        await As(user).PostAsJsonAsync("/api/users/me/password", new { currentPassword = current, newPassword = next });

    private async Task<TestUser> ChangedAsync(TestUser user, string current = TestUsers.Password, string next = NewPassword)
    {
        var response = await ChangePasswordAsync(user, current, next);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(user.UserId, body.GetProperty("userId").GetString());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        return WithToken(user, body.GetProperty("accessToken").GetString()!);
    }

    private async Task<HttpResponseMessage> LoginAsync(TestUser user, string password) =>
        await Anonymous().PostAsJsonAsync("/api/auth/login", new { username = user.Username, password });

    [Fact]
    public async Task The_new_display_name_shows_in_me_friend_lists_search_and_group_members()
    {
        var alice = await RegisterAsync();
        var bob = await RegisterAsync();
        await As(alice).PostAsync($"/api/friends/request/{bob.UserId}", null);
        Assert.Equal(HttpStatusCode.OK, (await As(bob).PostAsync($"/api/friends/accept/{alice.UserId}", null)).StatusCode);
        var group = await (await As(bob).PostAsJsonAsync("/api/groups", new { name = "Tea", memberIds = new[] { alice.UserId } })).JsonAsync();
        var groupId = group.GetProperty("conversationId").GetString();
        var name = $"Alice Liddell {Guid.NewGuid():N}"[..30];

        var changed = await As(alice).PatchAsJsonAsync("/api/users/me", new { displayName = $"  {name}  " });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(name, (await changed.JsonAsync()).GetProperty("displayName").GetString());
        Assert.Equal(name, (await (await As(alice).GetAsync("/api/users/me")).JsonAsync()).GetProperty("displayName").GetString());
        var friends = await (await As(bob).GetAsync("/api/friends/list")).JsonAsync();
        Assert.Equal(name, Assert.Single(friends.GetProperty("items").EnumerateArray()).GetProperty("displayName").GetString());
        var found = await (await As(bob).GetAsync($"/api/users/search?q={Uri.EscapeDataString(name[14..])}")).JsonAsync();
        Assert.Equal(alice.UserId, Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());
        var members = (await (await As(bob).GetAsync($"/api/groups/{groupId}")).JsonAsync()).GetProperty("members").EnumerateArray();
        Assert.Equal(name, members.Single(member => member.GetProperty("userId").GetString() == alice.UserId).GetProperty("displayName").GetString());
        Assert.Equal(name, (await (await As(bob).GetAsync($"/api/users/{alice.UserId}")).JsonAsync()).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_display_name_is_validated_like_at_registration_and_blank_means_the_username()
    {
        var alice = await RegisterAsync();

        await (await As(alice).PatchAsJsonAsync("/api/users/me", new { displayName = new string('x', 65) })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await As(alice).PatchAsJsonAsync("/api/users/me", new { displayName = "bell\u0007" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await As(alice).PatchAsJsonAsync("/api/users/me", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await As(alice).PatchAsync("/api/users/me", new StringContent("{not json", Encoding.UTF8, "application/json"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var blank = await As(alice).PatchAsJsonAsync("/api/users/me", new { displayName = "   " });
        Assert.Equal(alice.Username, (await blank.JsonAsync()).GetProperty("displayName").GetString());
        await (await Anonymous().PatchAsJsonAsync("/api/users/me", new { displayName = "x" })).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Changing_the_password_ends_older_tokens_and_returns_a_working_one()
    {
        var alice = await RegisterAsync();
        var otherDevice = WithToken(alice, (await (await LoginAsync(alice, TestUsers.Password)).JsonAsync()).GetProperty("accessToken").GetString()!);

        var renewed = await ChangedAsync(alice);

        await (await As(alice).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await As(otherDevice).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await As(renewed).GetAsync("/api/users/me")).StatusCode);
        await (await LoginAsync(alice, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var login = await LoginAsync(alice, NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(WithToken(alice, (await login.JsonAsync()).GetProperty("accessToken").GetString()!)).GetAsync("/api/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(renewed).GetAsync("/api/users/me")).StatusCode); // a later login ends nothing
    }

    [Fact]
    public async Task Wrong_or_missing_input_gets_a_problem_never_a_500()
    {
        var alice = await RegisterAsync();

        await (await ChangePasswordAsync(alice, "not my password", NewPassword)).AssertProblemAsync(HttpStatusCode.Forbidden, "wrong_password");
        await (await ChangePasswordAsync(alice, new string('p', 300), NewPassword)).AssertProblemAsync(HttpStatusCode.Forbidden, "wrong_password");
        await (await ChangePasswordAsync(alice, null, NewPassword)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ChangePasswordAsync(alice, TestUsers.Password, "short")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ChangePasswordAsync(alice, TestUsers.Password, new string('p', 257))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await As(alice).PostAsync("/api/users/me/password", new StringContent("[]", Encoding.UTF8, "application/json"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await Anonymous().PostAsJsonAsync("/api/users/me/password", new { currentPassword = TestUsers.Password, newPassword = NewPassword }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        // Nothing changed: the old password and token still work.
        Assert.Equal(HttpStatusCode.OK, (await As(alice).GetAsync("/api/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(alice, TestUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task Wrong_current_passwords_count_toward_the_login_lockout()
    {
        var alice = await RegisterAsync();
        for (var i = 0; i < 10; i++)
        {
            await (await ChangePasswordAsync(alice, $"guess number {i}", NewPassword)).AssertProblemAsync(HttpStatusCode.Forbidden, "wrong_password");
        }

        var locked = await ChangePasswordAsync(alice, TestUsers.Password, NewPassword);
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(locked.Headers.RetryAfter);
        await (await LoginAsync(alice, TestUsers.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.OK, (await As(alice).GetAsync("/api/users/me")).StatusCode); // the session itself goes on
    }

    [Fact]
    public async Task Two_changes_at_once_one_wins_the_other_is_told_the_password_is_wrong()
    {
        for (var round = 0; round < 3; round++)
        {
            var alice = await RegisterAsync();
            var answers = await Task.WhenAll(
                ChangePasswordAsync(alice, TestUsers.Password, "first new password"),
                ChangePasswordAsync(alice, TestUsers.Password, "second new password"));

            var statuses = answers.Select(answer => answer.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.OK));
            var loser = answers.Single(answer => answer.StatusCode != HttpStatusCode.OK);
            await loser.AssertProblemAsync(HttpStatusCode.Forbidden, "wrong_password");
            var winner = answers.Single(answer => answer.StatusCode == HttpStatusCode.OK);
            var winnerToken = (await winner.JsonAsync()).GetProperty("accessToken").GetString()!;
            var winningPassword = answers[0] == winner ? "first new password" : "second new password";
            var losingPassword = answers[0] == winner ? "second new password" : "first new password";

            Assert.Equal(HttpStatusCode.OK, (await As(WithToken(alice, winnerToken)).GetAsync("/api/users/me")).StatusCode);
            await (await As(alice).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(alice, winningPassword)).StatusCode);
            await (await LoginAsync(alice, losingPassword)).AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        }
    }

    [Fact]
    public async Task Logins_racing_a_change_get_either_a_refusal_or_a_token_that_follows_the_change()
    {
        var alice = await RegisterAsync();
        var oldLogins = Enumerable.Range(0, 4).Select(_ => LoginAsync(alice, TestUsers.Password)).ToList();
        var newLogins = Enumerable.Range(0, 3).Select(_ => LoginAsync(alice, NewPassword)).ToList();
        var change = ChangePasswordAsync(alice, TestUsers.Password, NewPassword);
        await Task.WhenAll([.. oldLogins, .. newLogins, change]);

        Assert.Equal(HttpStatusCode.OK, (await change).StatusCode);
        foreach (var login in oldLogins.Select(task => task.Result))
        {
            if (login.StatusCode == HttpStatusCode.OK)
            {
                // Issued under the old password: the change ended it.
                var token = (await login.JsonAsync()).GetProperty("accessToken").GetString()!;
                await (await As(WithToken(alice, token)).GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            }
            else
            {
                await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
            }
        }

        foreach (var login in newLogins.Select(task => task.Result))
        {
            if (login.StatusCode == HttpStatusCode.OK)
            {
                var token = (await login.JsonAsync()).GetProperty("accessToken").GetString()!;
                Assert.Equal(HttpStatusCode.OK, (await As(WithToken(alice, token)).GetAsync("/api/users/me")).StatusCode);
            }
            else
            {
                await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
            }
        }
    }

    [Fact]
    public async Task Open_hub_and_websocket_connections_of_older_sessions_are_closed_the_new_ones_stay()
    {
        var alice = await RegisterAsync();
        var hubClosed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var oldHub = await EventRecorder.ConnectAsync(server.BaseAddress, alice.AccessToken);
        oldHub.Connection.Closed += error =>
        {
            hubClosed.TrySetResult(error);
            return Task.CompletedTask;
        };
        using var oldSocket = await ConnectSocketAsync(alice);

        var renewed = await ChangedAsync(alice);

        await hubClosed.Task.WaitAsync(Timeout);
        var frame = await oldSocket.ReceiveAsync(Timeout);
        Assert.Equal("error", frame.GetProperty("type").GetString());
        Assert.Equal("unauthorized", frame.GetProperty("data").GetProperty("code").GetString());
        await oldSocket.ReceiveCloseAsync(Timeout);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, oldSocket.CloseStatus);
        Assert.Equal("session_ended", oldSocket.CloseStatusDescription);

        // The old token cannot come back; the new one connects and stays.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAnyAsync<HttpRequestException>(() => EventRecorder.ConnectAsync(server.BaseAddress, alice.AccessToken))).StatusCode);
        await using var newHub = await EventRecorder.ConnectAsync(server.BaseAddress, renewed.AccessToken);
        using var newSocket = await ConnectSocketAsync(renewed);
        var bob = await RegisterAsync();
        await As(bob).PostAsync($"/api/friends/request/{alice.UserId}", null);
        Assert.Equal("friend_request", (await newSocket.ReceiveAsync(Timeout)).GetProperty("type").GetString());
        Assert.Equal(HubConnectionState.Connected, newHub.Connection.State);
    }

    [Fact]
    public async Task The_served_openapi_document_lists_both_routes()
    {
        var paths = (await (await Anonymous().GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        Assert.True(paths.GetProperty("/api/users/me").TryGetProperty("patch", out _));
        Assert.True(paths.GetProperty("/api/users/me/password").TryGetProperty("post", out _));
    }

    private async Task<RawSocket> ConnectSocketAsync(TestUser user)
    {
        var socket = await RawSocket.ConnectAsync(server.BaseAddress);
        Assert.Equal("auth_ok", (await socket.AuthenticateAsync(user.AccessToken, timeout: Timeout)).GetProperty("type").GetString());
        return socket;
    }

}
