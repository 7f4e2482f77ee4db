using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Social.WebFront.Tests;

/// <summary>Tokens from a configured outside issuer: accepted, the user is <c>sub</c>, an account appears.</summary>
public sealed class ExternalIssuerTests : IAsyncLifetime, IDisposable
{
    private const string Issuer = "https://id.example.test";
    private static readonly byte[] ExternalKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    private readonly SocialApiFactory _factory = new(connectionString: null, settings: new Dictionary<string, string?>
    {
        ["Social:Auth:External:Issuer"] = Issuer,
        ["Social:Auth:External:Audience"] = "social-api",
        ["Social:Auth:External:SigningKey"] = Convert.ToBase64String(ExternalKey),
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose() => _factory.Dispose();

    private static string Mint(string subject, string? preferredUsername, byte[] key, string issuer = Issuer) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "social-api",
            Subject = new ClaimsIdentity(preferredUsername is null
                ? [new Claim("sub", subject)]
                : [new Claim("sub", subject), new Claim("preferred_username", preferredUsername)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });

    private HttpClient ClientWith(string token)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task An_outside_user_gets_an_account_and_can_befriend_a_local_user()
    {
        // A wallet-style id, which must not collide with hex-looking grain keys.
        var subject = $"0x{Guid.NewGuid():N}";
        var outsider = ClientWith(Mint(subject, $"wallet_{Guid.NewGuid():N}"[..20], ExternalKey));

        var me = await (await outsider.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal(subject, me.GetProperty("userId").GetString());

        var local = await TestUsers.SignUpAsync(_factory.CreateClient());
        Assert.Equal(HttpStatusCode.OK, (await outsider.PostAsync($"/api/friends/request/{local.UserId}", null)).StatusCode);
        var asLocal = _factory.CreateClient().As(local);
        Assert.Equal(HttpStatusCode.OK, (await asLocal.PostAsync($"/api/friends/accept/{subject}", null)).StatusCode);
        var friends = await (await asLocal.GetAsync("/api/friends/list")).JsonAsync();
        Assert.Equal(subject, Assert.Single(friends.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_outside_key_cannot_vouch_for_our_issuer_and_a_wrong_key_is_refused()
    {
        var forgedLocal = ClientWith(Mint("someone", null, ExternalKey, issuer: "social"));
        await (await forgedLocal.GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        var wrongKey = ClientWith(Mint("someone", null, Enumerable.Repeat((byte)7, 32).ToArray()));
        await (await wrongKey.GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static string MintClaims(IDictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "social-api",
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(ExternalKey), SecurityAlgorithms.HmacSha256),
        });

    public static TheoryData<string> BadSubjects => new()
    {
        "{}",
        "{\"sub\": [\"a\", \"b\"]}",
        "{\"sub\": \"\"}",
        "{\"sub\": \"   \"}",
        "{\"sub\": \"" + new string('x', 500) + "\"}",
        "{\"sub\": \"nul\\u0000sub\"}",
        "{\"sub\": \"zero\\u200bwidth\"}",
    };

    [Theory]
    [MemberData(nameof(BadSubjects))]
    public async Task A_token_without_a_usable_subject_is_unauthorized(string claimsJson)
    {
        var claims = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(claimsJson)!
            .ToDictionary(pair => pair.Key, pair => (object)(pair.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => pair.Value.GetString()!,
                System.Text.Json.JsonValueKind.Number => pair.Value.GetInt64(),
                _ => pair.Value.EnumerateArray().Select(item => item.GetString()!).ToList(),
            }));

        var response = await ClientWith(MintClaims(claims)).GetAsync("/api/users/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_outside_subject_equal_to_a_local_user_id_cannot_act_as_that_user()
    {
        var local = await TestUsers.SignUpAsync(_factory.CreateClient());

        var impostor = ClientWith(Mint(local.UserId, "impostor", ExternalKey));

        await (await impostor.GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await impostor.GetAsync("/api/messages/conversations")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_outside_display_name_with_control_or_format_characters_is_not_used()
    {
        var subject = $"ext-{Guid.NewGuid():N}";
        var preferred = $"ext_{Guid.NewGuid():N}"[..20];
        var token = MintClaims(new Dictionary<string, object> { ["sub"] = subject, ["preferred_username"] = preferred, ["name"] = "\u202e\u0000evil" });

        var me = await ClientWith(token).GetAsync($"/api/users/{subject}");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(preferred, (await me.JsonAsync()).GetProperty("displayName").GetString());
    }
}
