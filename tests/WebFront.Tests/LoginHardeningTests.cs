using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Social.Storage.Accounts;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class LoginHardeningTests(SharedApiFactory factory)
{
    private const string Password = "correct horse battery";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Concurrent_wrong_logins_get_no_more_than_the_allowance_then_the_right_password_is_locked_out()
    {
        var user = await TestUsers.SignUpAsync(_client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 150).Select(_ =>
            _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password" })));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(140, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        var right = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = Password });
        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task A_lookalike_spelling_of_a_locked_username_shares_its_lockout()
    {
        var user = await TestUsers.SignUpAsync(_client, TestUsers.NewUsername("Kate"));
        for (var i = 0; i < 10; i++)
        {
            var failed = await _client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        // U+212A KELVIN SIGN: the same name after NFKC and case folding.
        var kelvin = "\u212A" + user.Username[1..];
        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username = kelvin, password = Password });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task A_lookalike_spelling_signs_in_to_the_same_account()
    {
        var user = await TestUsers.SignUpAsync(_client, TestUsers.NewUsername("kk"));
        var fullWidth = string.Concat(user.Username.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + '\uFF41') : c));

        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username = fullWidth, password = Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.UserId, (await response.JsonAsync()).GetProperty("userId").GetString());
    }

    [Theory]
    [InlineData("bad\u0000name")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("\u202Eevil")]
    public async Task Control_and_format_characters_in_a_login_username_are_a_validation_problem(string username)
    {
        var response = await _client.PostAsJsonAsync("/api/auth/login", new { username, password = Password });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Search_finds_a_username_by_its_full_width_spelling()
    {
        var name = TestUsers.NewUsername("kelvin");
        await TestUsers.SignUpAsync(_client, name);

        var fullWidth = "\uFF4B\uFF45\uFF4C" + name[3..];
        var found = await _client.As(await TestUsers.SignUpAsync(_client)).GetAsync($"/api/users/search?q={Uri.EscapeDataString(fullWidth)}");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains((await found.JsonAsync()).GetProperty("items").EnumerateArray(), item => item.GetProperty("username").GetString() == name);
    }
}

/// <summary>Logins with a password hasher that counts its checks (ASP.NET Core Identity's, wrapped).</summary>
public sealed class LoginTimingTests : IDisposable
{
    private readonly CountingHasherFactory _factory = new();

    [Fact]
    public async Task A_login_with_an_unknown_username_checks_a_hash_like_a_known_one()
    {
        var client = _factory.CreateClient();
        var user = await TestUsers.SignUpAsync(client);
        var before = _factory.Hasher.Verifications;

        await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "wrong password" });
        var known = _factory.Hasher.Verifications - before;
        await client.PostAsJsonAsync("/api/auth/login", new { username = TestUsers.NewUsername("nobody"), password = "wrong password" });
        var unknown = _factory.Hasher.Verifications - before - known;

        Assert.Equal(1, known);
        Assert.Equal(1, unknown);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class CountingHasherFactory() : SocialApiFactory(connectionString: null, settings: null)
    {
        public CountingHasher Hasher { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IPasswordHasher<UserAccount>>(Hasher));
        }
    }

    public sealed class CountingHasher : PasswordHasher<UserAccount>
    {
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public override PasswordVerificationResult VerifyHashedPassword(UserAccount user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
