using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Friends;
using Social.Storage.Accounts;
using Social.WebFront.Auth;
using Social.WebFront.Presence;

namespace Social.WebFront.Api;

public sealed record FriendStatusResponse(string Status);

public sealed record BatchAcceptFailure(string UserId, string Code);

public sealed record BatchAcceptResponse(IReadOnlyList<string> Accepted, IReadOnlyList<BatchAcceptFailure> Failed);

public sealed record FriendListItem(
    string UserId,
    string Username,
    string DisplayName,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Direction,
    DateTimeOffset Since,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FriendPresence? Presence = null);

public sealed record FriendListResponse(IReadOnlyList<FriendListItem> Items, string? NextCursor);

/// <summary>The seed's friend routes. Every decision is the pair grain's; this class translates HTTP.</summary>
public static class FriendsApi
{
    public const int MaxBatch = 100;

    public static IEndpointRouteBuilder MapFriendsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/friends").WithTags("Friends").RequireAuthorization();
        group.MapPost("/request/{targetId}", Request);
        group.MapPost("/accept/{targetId}", Accept);
        group.MapPost("/reject/{targetId}", Reject);
        group.MapPost("/cancel/{targetId}", Cancel);
        group.MapPost("/batch-accept", BatchAccept);
        group.MapDelete("/{targetId}", Unfriend);
        group.MapPost("/block/{targetId}", Block);
        group.MapPost("/unblock/{targetId}", Unblock);
        group.MapGet("/list", List);
        return routes;
    }

    public static async Task<Results<Ok<FriendStatusResponse>, ProblemHttpResult>> Request(
        string targetId, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, HttpResponse response, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        if (await CheckTarget(userId, targetId, directory, response, cancellationToken) is { } problem)
        {
            return problem;
        }

        var result = await grains.GetFriendship(userId, targetId).Request(userId);
        return result.Succeeded
            ? TypedResults.Ok(new FriendStatusResponse(result.Status == PeerStatus.Friends ? "accepted" : "pending"))
            : Problems.FromFriendError(result, response);
    }

    public static async Task<Results<Ok<FriendStatusResponse>, ProblemHttpResult>> Accept(
        string targetId, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response)
    {
        var userId = principal.UserId();
        if (CheckId(userId, targetId, FriendError.NoPendingRequest, response) is { } problem)
        {
            return problem;
        }

        var result = await grains.GetFriendship(userId, targetId).Accept(userId);
        return result.Succeeded ? TypedResults.Ok(new FriendStatusResponse("accepted")) : Problems.FromFriendError(result, response);
    }

    public static Task<Results<NoContent, ProblemHttpResult>> Reject(string targetId, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response) =>
        NoContentUnlessRefused(targetId, principal, response, FriendError.NoPendingRequest, (pair, userId) => pair.Reject(userId), grains);

    public static Task<Results<NoContent, ProblemHttpResult>> Cancel(string targetId, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response) =>
        NoContentUnlessRefused(targetId, principal, response, FriendError.NoPendingRequest, (pair, userId) => pair.Cancel(userId), grains);

    public static Task<Results<NoContent, ProblemHttpResult>> Unfriend(string targetId, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response) =>
        NoContentUnlessRefused(targetId, principal, response, FriendError.NotFriends, (pair, userId) => pair.Unfriend(userId), grains);

    public static Task<Results<NoContent, ProblemHttpResult>> Unblock(string targetId, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response) =>
        NoContentUnlessRefused(targetId, principal, response, FriendError.NotBlocked, (pair, userId) => pair.Unblock(userId), grains);

    public static async Task<Results<NoContent, ProblemHttpResult>> Block(
        string targetId, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, HttpResponse response, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        if (await CheckTarget(userId, targetId, directory, response, cancellationToken) is { } problem)
        {
            return problem;
        }

        var result = await grains.GetFriendship(userId, targetId).Block(userId);
        return result.Succeeded ? TypedResults.NoContent() : Problems.FromFriendError(result, response);
    }

    public static async Task<Results<Ok<BatchAcceptResponse>, ProblemHttpResult>> BatchAccept(
        string[] userIds, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (userIds.Length > MaxBatch)
        {
            return Problems.Validation("body", $"At most {MaxBatch} user ids.");
        }

        if (Array.FindIndex(userIds, id => !Inputs.IsValidId(id)) is var bad and >= 0)
        {
            return Inputs.InvalidId($"[{bad}]");
        }

        var userId = principal.UserId();
        var distinct = userIds.Distinct(StringComparer.Ordinal).ToList();

        // One query for the lot: ids of nobody cannot have a pending request, and must not
        // activate a pair grain each.
        var existing = await directory.FindByIdsAsync(distinct, cancellationToken);
        var results = await Task.WhenAll(distinct.Select(async targetId => (targetId, result: targetId == userId || !existing.ContainsKey(targetId)
            ? FriendshipResult.Fail(FriendError.NoPendingRequest)
            : await grains.GetFriendship(userId, targetId).Accept(userId))));

        var accepted = results.Where(r => r.result.Succeeded).Select(r => r.targetId).ToList();
        var failed = results.Where(r => !r.result.Succeeded).Select(r => new BatchAcceptFailure(r.targetId, Problems.CodeOf(r.result.Error))).ToList();
        return TypedResults.Ok(new BatchAcceptResponse(accepted, failed));
    }

    public static async Task<Results<Ok<FriendListResponse>, ProblemHttpResult>> List(
        string? status, int? limit, string? cursor, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        RelationshipFilter? filter = (status ?? "accepted") switch
        {
            "accepted" => RelationshipFilter.Accepted,
            "pending" => RelationshipFilter.Pending,
            "blocked" => RelationshipFilter.Blocked,
            _ => null,
        };
        if (filter is null)
        {
            return Problems.Validation("status", "One of accepted, pending, blocked.");
        }

        if (Inputs.Limit(limit, fallback: 50, max: 200) is not { } take)
        {
            return Problems.Validation("limit", "Between 1 and 200.");
        }

        if (cursor is { Length: > 512 })
        {
            return Problems.Validation("cursor", "The cursor is not valid.");
        }

        var userId = principal.UserId();
        var page = await grains.GetUser(userId).ListRelationships(filter.Value, take, cursor);
        var peerIds = page.Items.Select(item => item.PeerId).ToList();
        var profiles = await directory.FindByIdsAsync(peerIds, cancellationToken);
        var presence = filter == RelationshipFilter.Accepted ? await FriendPresence.OfFriendsAsync(grains, userId, peerIds) : null;
        var items = page.Items
            .Where(item => profiles.ContainsKey(item.PeerId))
            .Select(item => ToListItem(item, profiles[item.PeerId], filter.Value) with { Presence = presence?[item.PeerId] })
            .ToList();
        return TypedResults.Ok(new FriendListResponse(items, page.NextCursor));
    }

    private static FriendListItem ToListItem(RelationshipEntry entry, UserProfile profile, RelationshipFilter filter)
    {
        var (status, direction) = filter switch
        {
            RelationshipFilter.Blocked => ("blocked", (string?)null),
            RelationshipFilter.Pending => ("pending", entry.View.Status == PeerStatus.PendingIncoming ? "incoming" : "outgoing"),
            _ => ("accepted", null),
        };
        return new FriendListItem(profile.UserId, profile.Username, profile.DisplayName, status, direction, entry.View.Since);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> NoContentUnlessRefused(
        string targetId, ClaimsPrincipal principal, HttpResponse response, FriendError whenSelf,
        Func<IFriendshipGrain, string, Task<FriendshipResult>> operation, IGrainFactory grains)
    {
        var userId = principal.UserId();
        if (CheckId(userId, targetId, whenSelf, response) is { } problem)
        {
            return problem;
        }

        var result = await operation(grains.GetFriendship(userId, targetId), userId);
        return result.Succeeded ? TypedResults.NoContent() : Problems.FromFriendError(result, response);
    }

    /// <summary>Validates a target id; oneself is answered with the operation's own "nothing to do" code.</summary>
    private static ProblemHttpResult? CheckId(string userId, string targetId, FriendError whenSelf, HttpResponse response)
    {
        if (!Inputs.IsValidId(targetId))
        {
            return Inputs.InvalidId("targetId");
        }

        return targetId == userId ? Problems.FromFriendError(FriendshipResult.Fail(whenSelf), response) : null;
    }

    /// <summary>For operations that create state: the target must be a real user other than the caller.</summary>
    private static async Task<ProblemHttpResult?> CheckTarget(string userId, string targetId, IUserDirectory directory, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(targetId))
        {
            return Inputs.InvalidId("targetId");
        }

        if (targetId == userId)
        {
            return Problems.FromFriendError(FriendshipResult.Fail(FriendError.CannotFriendSelf), response);
        }

        return await directory.FindByIdAsync(targetId, cancellationToken) is null ? Problems.UserNotFound() : null;
    }
}
