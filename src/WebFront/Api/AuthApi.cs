using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Social.Grains;
using Social.Grains.Telemetry;
using Social.Storage.Accounts;
using Social.WebFront.Auth;

namespace Social.WebFront.Api;

public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName, string? Address);

public sealed record LoginRequest(string? Username, string? Password);

public sealed record AuthResponse(string UserId, string Username, string AccessToken, DateTimeOffset ExpiresAt);

public static partial class AuthApi
{
    public const string RegistrationPolicy = "registrations";
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/register", Register).RequireRateLimiting(RegistrationPolicy);
        group.MapPost("/login", Login).RequireRateLimiting(Hosting.RateLimitingSetup.LoginPolicy);
        return routes;
    }

    public static async Task<Results<Created<AuthResponse>, ProblemHttpResult>> Register(
        RegisterRequest request, IUserDirectory directory, IPasswordHasher<UserAccount> hasher, TokenIssuer tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var username = request.Username!;
        var displayName = DisplayNames.Resolve(request.DisplayName, username);
        var address = string.IsNullOrWhiteSpace(request.Address) ? null : UserNames.NormalizeAddress(request.Address);
        var account = new UserAccount(NewUserId(), username, displayName, address, "", time.GetUtcNow());
        account = account with { PasswordHash = hasher.HashPassword(account, request.Password!) };

        switch (await directory.TryCreateAsync(account, cancellationToken))
        {
            case CreateAccountResult.UsernameTaken:
                return Problems.UsernameTaken();
            case CreateAccountResult.AddressTaken:
                return Problems.AddressTaken();
        }

        var token = tokens.Issue(account.UserId, account.Username, account.SessionVersion);
        return TypedResults.Created("/api/users/me", new AuthResponse(account.UserId, account.Username, token.AccessToken, token.ExpiresAt));
    }

    public static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> Login(
        LoginRequest request, IUserDirectory directory, CredentialCheck credentials, TokenIssuer tokens, IGrainFactory grains, HttpResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > 32 || request.Password.Length > MaxPasswordLength)
        {
            return Problems.InvalidCredentials();
        }

        if (!UserNames.IsPrintable(request.Username))
        {
            return Problems.Validation("username", "Control and format characters are not allowed.");
        }

        // The attempt is counted before the (slow) hash is checked, in the one grain every
        // spelling of the name maps to: concurrent attempts cannot overshoot the allowance.
        var username = UserNames.Normalize(request.Username);
        if (await grains.GetLoginThrottle(username).TryReserveAttempt() is { } lockout)
        {
            SocialMetrics.LoginFailed(throttled: true);
            return Problems.RateLimited(response, lockout);
        }

        var account = await directory.FindByUsernameAsync(username, cancellationToken);
        if (!credentials.Verify(account, request.Password) || account is null)
        {
            SocialMetrics.LoginFailed(throttled: false);
            return Problems.InvalidCredentials();
        }

        await grains.GetLoginThrottle(username).RecordSuccess();
        var token = tokens.Issue(account.UserId, account.Username, account.SessionVersion);
        return TypedResults.Ok(new AuthResponse(account.UserId, account.Username, token.AccessToken, token.ExpiresAt));
    }

    private static Dictionary<string, string[]> Validate(RegisterRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Username is null || !UsernamePattern().IsMatch(request.Username))
        {
            errors["username"] = ["3 to 32 characters: letters a-z, digits, '_' and '.'."];
        }

        if (request.Password is null || request.Password.Length < MinPasswordLength || request.Password.Length > MaxPasswordLength)
        {
            errors["password"] = [$"8 to {MaxPasswordLength} characters."];
        }

        if (request.DisplayName is { } displayName && !DisplayNames.IsValid(displayName))
        {
            errors["displayName"] = [DisplayNames.Rule];
        }

        if (request.Address is { } address && !string.IsNullOrWhiteSpace(address) && !Inputs.IsValidId(address.Trim()))
        {
            errors["address"] = [$"At most {Inputs.MaxIdLength} characters without control characters."];
        }

        return errors;
    }

    /// <summary>Time-ordered, so ids sort roughly by registration.</summary>
    private static string NewUserId() => Guid.CreateVersion7().ToString("N");

    [GeneratedRegex("^[A-Za-z0-9_.]{3,32}$")]
    private static partial Regex UsernamePattern();
}
