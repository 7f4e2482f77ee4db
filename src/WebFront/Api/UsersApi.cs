using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Friends;
using Social.Storage.Accounts;
using Social.WebFront.Auth;

namespace Social.WebFront.Api;

public sealed record MeResponse(string UserId, string Username, string DisplayName, string Plan, int FriendCount, int FriendLimit);

public sealed record UserResponse(string UserId, string Username, string DisplayName, string Relationship);

public sealed record UserSearchResponse(IReadOnlyList<UserResponse> Items);

public static class UsersApi
{
    private const int MaxQueryLength = 100;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        group.MapGet("/me", GetMe);
        group.MapGet("/search", Search).RequireRateLimiting(Hosting.RateLimitingSetup.SearchPolicy);
        group.MapGet("/{userId}", GetUser);
        return routes;
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMe(
        ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        var profile = await directory.FindByIdAsync(userId, cancellationToken);
        if (profile is null)
        {
            return Problems.UserNotFound();
        }

        var summary = await grains.GetUser(userId).GetSummary();
        return TypedResults.Ok(new MeResponse(
            userId, profile.Username, profile.DisplayName, summary.Plan.ToString().ToLowerInvariant(), summary.FriendCount, summary.FriendLimit));
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(
        string userId, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(userId))
        {
            return Inputs.InvalidId("userId");
        }

        var profile = await directory.FindByIdAsync(userId, cancellationToken);
        if (profile is null)
        {
            return Problems.UserNotFound();
        }

        var callerId = principal.UserId();
        var view = callerId == userId ? PeerView.Nobody : await grains.GetUser(callerId).GetRelationship(userId);
        return Visibility.IsHidden(view)
            ? Problems.UserNotFound()
            : TypedResults.Ok(new UserResponse(profile.UserId, profile.Username, profile.DisplayName, view.ContractRelationship!));
    }

    public static async Task<Results<Ok<UserSearchResponse>, ProblemHttpResult>> Search(
        string? q, int? limit, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var query = q?.Trim();
        if (string.IsNullOrEmpty(query) || query.Length > MaxQueryLength || !UserNames.IsPrintable(query))
        {
            return Problems.Validation("q", $"1 to {MaxQueryLength} characters without control or format characters.");
        }

        if (Inputs.Limit(limit, fallback: 20, max: 50) is not { } take)
        {
            return Problems.Validation("limit", "Between 1 and 50.");
        }

        var callerId = principal.UserId();
        var caller = grains.GetUser(callerId);
        var hidden = Visibility.HiddenFromSearch(callerId, await caller.GetBlockedEitherWay());

        // Ask for enough rows that filtering out the caller and blocked users still fills the page.
        var candidates = await directory.SearchAsync(query, take + hidden.Count, cancellationToken);
        var visible = candidates.Where(profile => !hidden.Contains(profile.UserId)).Take(take).ToList();
        var relationships = await caller.GetRelationships(visible.Select(profile => profile.UserId).ToList());
        var items = visible
            .Select(profile => new UserResponse(profile.UserId, profile.Username, profile.DisplayName, Visibility.SearchRelationship(relationships[profile.UserId])))
            .ToList();
        return TypedResults.Ok(new UserSearchResponse(items));
    }
}
