using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Social.Grains;
using Social.Grains.Accounts;
using Social.Grains.Telemetry;
using Social.Storage.Accounts;
using Social.WebFront.Auth;

namespace Social.WebFront.Api;

public sealed record ChangeDisplayNameRequest(string? DisplayName);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>
/// The caller's own profile settings (docs/api.md, "Profile settings"): the display name, and the
/// password, whose change ends every other session of the user on every front.
/// </summary>
public static partial class ProfileApi
{
    // Two changes that race re-read and re-check; more rounds than this only under a storm of them.
    private const int ChangeRounds = 3;

    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users/me").WithTags("Users").RequireAuthorization();
        group.MapPatch("", ChangeDisplayName);
        group.MapPost("/password", ChangePassword);
        return routes;
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> ChangeDisplayName(
        ChangeDisplayNameRequest request, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (request.DisplayName is not { } displayName || !DisplayNames.IsValid(displayName))
        {
            return Problems.Validation("displayName", DisplayNames.Rule + " Blank means the username.");
        }

        var userId = principal.UserId();
        if (await directory.FindByIdAsync(userId, cancellationToken) is not { } profile
            || !await directory.UpdateDisplayNameAsync(userId, DisplayNames.Resolve(displayName, profile.Username), cancellationToken))
        {
            return Problems.Unauthorized("The account no longer exists.");
        }

        return await UsersApi.GetMe(principal, directory, grains, cancellationToken);
    }

    public static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal principal, IUserDirectory directory, CredentialCheck credentials, IPasswordHasher<UserAccount> hasher,
        TokenIssuer tokens, SessionCheck sessions, IGrainFactory grains, HttpContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors["currentPassword"] = ["Required."];
        }

        if (request.NewPassword is null || request.NewPassword.Length < AuthApi.MinPasswordLength || request.NewPassword.Length > AuthApi.MaxPasswordLength)
        {
            errors["newPassword"] = [$"{AuthApi.MinPasswordLength} to {AuthApi.MaxPasswordLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var userId = principal.UserId();
        for (var round = 0; round < ChangeRounds; round++)
        {
            var account = await directory.FindAccountByIdAsync(userId, cancellationToken);
            if (account is null)
            {
                return Problems.Unauthorized("The account no longer exists.");
            }

            if (string.IsNullOrEmpty(account.PasswordHash))
            {
                return Problems.Of(StatusCodes.Status403Forbidden, Problems.Codes.Forbidden, "This account signs in at its identity provider and has no password here.");
            }

            // A wrong current password is a failed login for this username: the same allowance,
            // reserved before the hash is checked, so a stolen token cannot guess the password.
            var throttle = grains.GetLoginThrottle(UserNames.Normalize(account.Username));
            if (await throttle.TryReserveAttempt() is { } lockout)
            {
                SocialMetrics.LoginFailed(throttled: true);
                return Problems.RateLimited(context.Response, lockout);
            }

            if (request.CurrentPassword!.Length > AuthApi.MaxPasswordLength || !credentials.Verify(account, request.CurrentPassword))
            {
                SocialMetrics.LoginFailed(throttled: false);
                return Problems.Of(StatusCodes.Status403Forbidden, Problems.Codes.WrongPassword, "The current password is wrong.");
            }

            await throttle.RecordSuccess();
            var newHash = hasher.HashPassword(account, request.NewPassword!);
            if (await directory.TryChangePasswordAsync(userId, account.PasswordHash, newHash, cancellationToken) is not { } version)
            {
                continue; // another change got there first: check the current password against its result
            }

            // Refused here from now on; the other fronts hear it through the user's stream once the
            // caller has its new token (so the caller's own tab reconnects with the new one).
            sessions.Remember(userId, version);
            var logger = loggers.CreateLogger(typeof(ProfileApi).FullName!);
            context.Response.OnCompleted(() => EndOtherSessionsAsync(context.RequestServices, grains, userId, version, logger));
            var token = tokens.Issue(userId, account.Username, version);
            return TypedResults.Ok(new AuthResponse(userId, account.Username, token.AccessToken, token.ExpiresAt));
        }

        context.Response.Headers.RetryAfter = "1";
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, Problems.Codes.Unavailable, "The password is being changed elsewhere; try again.");
    }

    private static async Task EndOtherSessionsAsync(IServiceProvider services, IGrainFactory grains, string userId, int version, ILogger logger)
    {
        services.GetRequiredService<SessionConnections>().EndBefore(userId, version);
        try
        {
            await grains.GetGrain<ISessionNoticeGrain>(userId).SessionsEnded(version);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Other fronts still refuse the old tokens once their cached version expires.
            NoticeFailed(logger, userId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the fronts that {UserId}'s older sessions ended failed; they refuse them within the session check interval")]
    private static partial void NoticeFailed(ILogger logger, string userId, Exception exception);
}
