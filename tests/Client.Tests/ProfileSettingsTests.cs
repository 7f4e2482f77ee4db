using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Social.Client.Tests;

/// <summary>The display name and the password change (docs/api.md, "Profile settings") through the typed client.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ProfileSettingsTests(SharedServer server)
{
    private const string NewPassword = "a brand new secret";

    [Fact]
    public async Task A_new_display_name_is_answered_and_read_by_friends()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        await TestUsers.BefriendAsync(alice, bob);
        var name = $"Alice {Guid.NewGuid():N}"[..20];

        var changed = await alice.Client.Users.ChangeDisplayNameAsync($"  {name}  ");

        Assert.Equal(new CurrentUser(alice.UserId, alice.Username, name, Plans.Free, 1, 500), changed);
        Assert.Equal(changed, await alice.Client.Users.GetMeAsync());
        Assert.Equal(name, (await bob.Client.Users.GetAsync(alice.UserId)).DisplayName);
        Assert.Equal(name, Assert.Single((await bob.Client.Friends.ListAsync()).Items).DisplayName);
        Assert.Equal(alice.Username, (await alice.Client.Users.ChangeDisplayNameAsync("   ")).DisplayName); // blank means the username
    }

    [Fact]
    public async Task Display_name_refusals()
    {
        using var alice = await server.SignUpAsync("alice");

        var tooLong = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Users.ChangeDisplayNameAsync(new string('x', 65)));
        Assert.Contains("displayName", tooLong.Errors.Keys);
        var control = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Users.ChangeDisplayNameAsync("bell\u0007"));
        Assert.Contains("displayName", control.Errors.Keys);
        using var anonymous = server.CreateSocialClient();
        await RefusalTests.Refused(401, ErrorCodes.Unauthorized, () => anonymous.Users.ChangeDisplayNameAsync("x"));
        Assert.Equal(alice.Username, (await alice.Client.Users.GetMeAsync()).DisplayName);
    }

    [Fact]
    public async Task A_password_change_keeps_this_client_signed_in_and_ends_every_other_session()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        using var otherDevice = server.CreateSocialClient();
        await otherDevice.Auth.LoginAsync(alice.Username, TestUsers.Password);
        await using var aliceLive = alice.Client.Connect();
        var aliceLog = new EventLog(aliceLive);
        await using var otherLive = otherDevice.Connect();
        await aliceLive.StartAsync();
        await otherLive.StartAsync();

        var renewed = await alice.Client.Auth.ChangePasswordAsync(TestUsers.Password, NewPassword);

        Assert.Equal((alice.UserId, alice.Username), (renewed.UserId, renewed.Username));
        Assert.True(renewed.ExpiresAt > DateTimeOffset.UtcNow);
        Assert.Equal(renewed.AccessToken, alice.Client.AccessToken?.Value);
        Assert.NotEqual(alice.AccessToken, renewed.AccessToken);
        Assert.Equal(alice.UserId, (await alice.Client.Users.GetMeAsync()).UserId);
        await RefusalTests.Refused(401, ErrorCodes.Unauthorized, () => otherDevice.Users.GetMeAsync());

        // The other device's connection is closed and its reconnect refused; this client's comes back with the new token.
        await Eventually.WaitUntilAsync(() => otherLive.State == ConnectionState.Unauthorized, "the other device's connection is refused");
        await bob.Client.Friends.RequestAsync(alice.UserId);
        Assert.Equal(bob.UserId, (await aliceLog.WaitForAsync<FriendRequestEvent>()).Request.FromUserId);
        Assert.Equal(ConnectionState.Connected, aliceLive.State);

        using var signIn = server.CreateSocialClient();
        await RefusalTests.Refused(401, ErrorCodes.InvalidCredentials, () => signIn.Auth.LoginAsync(alice.Username, TestUsers.Password));
        Assert.Equal(alice.UserId, (await signIn.Auth.LoginAsync(alice.Username, NewPassword)).UserId);
    }

    [Fact]
    public async Task Password_change_refusals_change_nothing()
    {
        using var alice = await server.SignUpAsync("alice");

        await RefusalTests.Refused(403, ErrorCodes.WrongPassword, () => alice.Client.Auth.ChangePasswordAsync("not my password", NewPassword));
        var shortNew = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Auth.ChangePasswordAsync(TestUsers.Password, "short"));
        Assert.Contains("newPassword", shortNew.Errors.Keys);
        var longNew = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Auth.ChangePasswordAsync(TestUsers.Password, new string('p', 257)));
        Assert.Contains("newPassword", longNew.Errors.Keys);
        var noCurrent = await RefusalTests.Refused(400, ErrorCodes.ValidationFailed, () => alice.Client.Auth.ChangePasswordAsync("", NewPassword));
        Assert.Contains("currentPassword", noCurrent.Errors.Keys);
        using var anonymous = server.CreateSocialClient();
        await RefusalTests.Refused(401, ErrorCodes.Unauthorized, () => anonymous.Auth.ChangePasswordAsync(TestUsers.Password, NewPassword));

        Assert.Equal(alice.AccessToken, alice.Client.AccessToken?.Value);
        Assert.Equal(alice.UserId, (await alice.Client.Users.GetMeAsync()).UserId);
        using var signIn = server.CreateSocialClient();
        Assert.Equal(alice.UserId, (await signIn.Auth.LoginAsync(alice.Username, TestUsers.Password)).UserId);
    }

    [Fact]
    public async Task Wrong_current_passwords_lock_the_change_and_the_login_with_retry_after()
    {
        using var alice = await server.SignUpAsync("alice");
        for (var i = 0; i < 10; i++)
        {
            await RefusalTests.Refused(403, ErrorCodes.WrongPassword, () => alice.Client.Auth.ChangePasswordAsync($"guess number {i}", NewPassword));
        }

        var locked = await RefusalTests.Refused(429, ErrorCodes.RateLimited, () => alice.Client.Auth.ChangePasswordAsync(TestUsers.Password, NewPassword));
        Assert.True(locked.RetryAfter > TimeSpan.Zero);
        Assert.True(locked.IsTransient);
        using var signIn = server.CreateSocialClient();
        await RefusalTests.Refused(429, ErrorCodes.RateLimited, () => signIn.Auth.LoginAsync(alice.Username, TestUsers.Password));
        Assert.Equal(alice.UserId, (await alice.Client.Users.GetMeAsync()).UserId); // the session itself goes on
    }

    [Fact]
    public async Task Two_changes_at_once_one_wins_the_other_is_told_the_password_is_wrong()
    {
        using var alice = await server.SignUpAsync("alice");
        using var first = server.CreateSocialClient();
        using var second = server.CreateSocialClient();
        first.UseAccessToken(alice.Auth.ToAccessToken());
        second.UseAccessToken(alice.Auth.ToAccessToken());

        // Open both connections first, so the two changes reach the server together (one arriving
        // after the other finished would rightly be refused as an ended session, 401).
        await Task.WhenAll(first.Users.GetMeAsync(), second.Users.GetMeAsync());

        var changes = new[] { (first, "first new password"), (second, "second new password") }
            .Select(async change =>
            {
                try
                {
                    await change.Item1.Auth.ChangePasswordAsync(TestUsers.Password, change.Item2);
                    return (Password: change.Item2, Refusal: (SocialApiException?)null);
                }
                catch (SocialApiException refused)
                {
                    return (Password: change.Item2, Refusal: refused);
                }
            });
        var answers = await Task.WhenAll(changes);

        var winner = Assert.Single(answers, answer => answer.Refusal is null);
        var loser = Assert.Single(answers, answer => answer.Refusal is not null);
        Assert.Equal((403, ErrorCodes.WrongPassword), (loser.Refusal!.Status, loser.Refusal.Code));
        using var signIn = server.CreateSocialClient();
        Assert.Equal(alice.UserId, (await signIn.Auth.LoginAsync(alice.Username, winner.Password)).UserId);
        await RefusalTests.Refused(401, ErrorCodes.InvalidCredentials, () => signIn.Auth.LoginAsync(alice.Username, loser.Password));
    }
}

/// <summary>An account of an outside identity provider has no password here: its own server, configured with that provider.</summary>
public sealed class ExternalAccountPasswordTests : IDisposable
{
    private const string Issuer = "https://id.example.test";
    private const string Audience = "social-api";
    private static readonly byte[] ExternalKey = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];

    private readonly SocialTestServer _server = new(new SocialTestServerOptions
    {
        Settings = new Dictionary<string, string?>
        {
            ["Social:Auth:External:Issuer"] = Issuer,
            ["Social:Auth:External:Audience"] = Audience,
            ["Social:Auth:External:SigningKey"] = Convert.ToBase64String(ExternalKey),
        },
    });

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task An_outside_account_cannot_change_a_password_it_does_not_have()
    {
        var subject = $"ext_{Guid.NewGuid():N}";
        using var outsider = _server.CreateSocialClient();
        outsider.UseAccessToken(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(ExternalKey), SecurityAlgorithms.HmacSha256),
        }));
        Assert.Equal(subject, (await outsider.Users.GetMeAsync()).UserId);

        await RefusalTests.Refused(403, ErrorCodes.Forbidden, () => outsider.Auth.ChangePasswordAsync("anything at all", "a brand new secret"));
    }
}
