using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Groups;
using Social.Grains.Messages;
using Social.Storage.Accounts;
using Social.WebFront.Auth;
using Social.WebFront.Overload;

namespace Social.WebFront.Api;

public sealed record CreateGroupRequest(string? Name, IReadOnlyList<string?>? MemberIds);

public sealed record RenameGroupRequest(string? Name);

public sealed record AddMemberRequest(string? UserId);

public sealed record SetRoleRequest(string? Role);

public sealed record TransferOwnershipRequest(string? UserId);

public sealed record GroupSendRequest(string? Content, string? ClientMessageId);

public sealed record GroupMarkReadRequest(long? UpToSeq);

public sealed record GroupHideRequest(string? MessageId);

public sealed record GroupMemberResponse(string UserId, string Username, string DisplayName, string Role, long JoinedSeq, long LastReadSeq);

public sealed record GroupResponse(string ConversationId, string Name, string OwnerId, IReadOnlyList<GroupMemberResponse> Members, long LastSeq, DateTimeOffset CreatedAt);

/// <summary>Group conversations (docs/api.md, "Groups"). Every rule is the group grain's; this class translates HTTP.</summary>
public static class GroupsApi
{
    /// <summary>Members named at creation, at most; the group's own limit is the grain's.</summary>
    private const int MaxInitialMembers = 1000;

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/groups").WithTags("Groups").RequireAuthorization();
        group.MapPost("/", Create);
        group.MapGet("/{conversationId}", Get);
        group.MapPatch("/{conversationId}", Rename);
        group.MapPost("/{conversationId}/members", AddMember);
        group.MapDelete("/{conversationId}/members/{userId}", RemoveMember);
        group.MapPost("/{conversationId}/leave", Leave);
        group.MapPut("/{conversationId}/members/{userId}/role", SetRole);
        group.MapPost("/{conversationId}/owner", TransferOwnership);
        group.MapPost("/{conversationId}/messages", Send);
        group.MapGet("/{conversationId}/messages", History);
        group.MapPost("/{conversationId}/mark-read", MarkRead);
        group.MapPost("/{conversationId}/hide", Hide);
        group.MapPost("/{conversationId}/typing", Typing);
        return routes;
    }

    public static async Task<Results<Created<GroupResponse>, ProblemHttpResult>> Create(
        CreateGroupRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (GroupNames.Normalize(request.Name) is null)
        {
            return Problems.FromGroupError(GroupError.InvalidName);
        }

        if (request.MemberIds is null || request.MemberIds.Count > MaxInitialMembers || !request.MemberIds.All(Inputs.IsValidId))
        {
            return Problems.Validation("memberIds", $"A list of at most {MaxInitialMembers} user ids.");
        }

        var id = GroupIds.New();
        var result = await grains.GetGroup(id).Create(new CreateGroupCommand(principal.UserId(), request.Name!, request.MemberIds.Select(m => m!).ToList()));
        return result.Group is { } created
            ? TypedResults.Created($"/api/groups/{id}", await ToResponseAsync(created, directory, cancellationToken))
            : Problems.FromGroupError(result.Error);
    }

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> Get(
        string conversationId, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken) =>
        await RespondAsync(conversationId, grains, group => group.Get(principal.UserId()), directory, cancellationToken);

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> Rename(
        string conversationId, RenameGroupRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken) =>
        await RespondAsync(conversationId, grains, group => group.Rename(principal.UserId(), request.Name ?? ""), directory, cancellationToken);

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> AddMember(
        string conversationId, AddMemberRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(request.UserId))
        {
            return Inputs.InvalidId("userId");
        }

        return await RespondAsync(conversationId, grains, group => group.AddMember(principal.UserId(), request.UserId!), directory, cancellationToken);
    }

    /// <summary>Removes a member; removing oneself is leaving.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(string conversationId, string userId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!Inputs.IsValidId(userId))
        {
            return Inputs.InvalidId("userId");
        }

        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var result = await grains.GetGroup(conversationId).RemoveMember(principal.UserId(), userId);
        return result.Error == GroupError.None ? TypedResults.NoContent() : Problems.FromGroupError(result.Error);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Leave(string conversationId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var error = await grains.GetGroup(conversationId).Leave(principal.UserId());
        return error == GroupError.None ? TypedResults.NoContent() : Problems.FromGroupError(error);
    }

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> SetRole(
        string conversationId, string userId, SetRoleRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(userId))
        {
            return Inputs.InvalidId("userId");
        }

        if (!GroupRoles.TryParse(request.Role, out var role))
        {
            return Problems.Validation("role", "\"admin\" or \"member\" (ownership moves with POST …/owner).");
        }

        return await RespondAsync(conversationId, grains, group => group.SetRole(principal.UserId(), userId, role), directory, cancellationToken);
    }

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> TransferOwnership(
        string conversationId, TransferOwnershipRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(request.UserId))
        {
            return Inputs.InvalidId("userId");
        }

        return await RespondAsync(conversationId, grains, group => group.TransferOwnership(principal.UserId(), request.UserId!), directory, cancellationToken);
    }

    public static async Task<Results<Created<GroupMessage>, Ok<GroupMessage>, ProblemHttpResult>> Send(
        string conversationId, GroupSendRequest request, ClaimsPrincipal principal, IGrainFactory grains, SendGate gate, HttpResponse response)
    {
        if (request.ClientMessageId is not null && !Inputs.IsValidId(request.ClientMessageId))
        {
            return Inputs.InvalidId("clientMessageId");
        }

        var contentError = MessageContent.Check(request.Content);
        if (contentError != MessageError.None)
        {
            return Problems.FromMessageError(contentError, null, null);
        }

        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var command = new GroupSendCommand(principal.UserId(), request.Content!, request.ClientMessageId);
        var result = await gate.RunAsync(() => grains.GetGroup(conversationId).Send(command));
        return result switch
        {
            { Message: { } message, Duplicate: true } => TypedResults.Ok(message),
            { Message: { } message } => TypedResults.Created($"/api/groups/{conversationId}/messages?afterSeq={message.Seq - 1}&limit=1", message),
            { Error: not GroupError.None } => Problems.FromGroupError(result.Error),
            _ => Problems.FromMessageError(result.MessageError, result.RetryAfter, response),
        };
    }

    public static async Task<Results<Ok<GroupHistoryPage>, ProblemHttpResult>> History(
        string conversationId, long? beforeSeq, long? afterSeq, int? limit, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (Inputs.Limit(limit, fallback: 50, max: 100) is not { } take)
        {
            return Problems.Validation("limit", "Between 1 and 100.");
        }

        if (beforeSeq is < 1 || afterSeq is < 0 || (beforeSeq is not null && afterSeq is not null))
        {
            return Problems.Validation(afterSeq is < 0 ? "afterSeq" : "beforeSeq", "Give beforeSeq (≥ 1) or afterSeq (≥ 0), not both.");
        }

        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var page = await grains.GetGroup(conversationId).GetHistory(principal.UserId(), beforeSeq, afterSeq, take);
        return page is null ? Problems.FromGroupError(GroupError.GroupNotFound) : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<ReadState>, ProblemHttpResult>> MarkRead(
        string conversationId, GroupMarkReadRequest? request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (request?.UpToSeq is < 0)
        {
            return Problems.Validation("upToSeq", "Must not be negative.");
        }

        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var state = await grains.GetGroup(conversationId).MarkRead(principal.UserId(), request?.UpToSeq);
        return state is null ? Problems.FromGroupError(GroupError.GroupNotFound) : TypedResults.Ok(state);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Hide(
        string conversationId, GroupHideRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (!Inputs.IsValidId(request.MessageId))
        {
            return Inputs.InvalidId("messageId");
        }

        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var error = await grains.GetGroup(conversationId).Hide(principal.UserId(), request.MessageId!);
        return error switch
        {
            MessageError.None => TypedResults.NoContent(),
            MessageError.ConversationNotFound => Problems.FromGroupError(GroupError.GroupNotFound),
            _ => Problems.FromMessageError(error, null, null),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Typing(string conversationId, ClaimsPrincipal principal, IGrainFactory grains) =>
        GroupIds.IsWellFormed(conversationId) && await grains.GetGroup(conversationId).Typing(principal.UserId())
            ? TypedResults.NoContent()
            : Problems.FromGroupError(GroupError.GroupNotFound);

    private static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> RespondAsync(
        string conversationId, IGrainFactory grains, Func<IGroupGrain, Task<GroupResult>> call, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (!GroupIds.IsWellFormed(conversationId))
        {
            return Problems.FromGroupError(GroupError.GroupNotFound);
        }

        var result = await call(grains.GetGroup(conversationId));
        return result.Group is { } group
            ? TypedResults.Ok(await ToResponseAsync(group, directory, cancellationToken))
            : Problems.FromGroupError(result.Error);
    }

    /// <summary>The group with each member's public profile.</summary>
    private static async Task<GroupResponse> ToResponseAsync(GroupView group, IUserDirectory directory, CancellationToken cancellationToken)
    {
        var profiles = await directory.FindByIdsAsync(group.Members.Select(member => member.UserId).ToList(), cancellationToken);
        var members = group.Members
            .Select(member => profiles.TryGetValue(member.UserId, out var profile)
                ? new GroupMemberResponse(member.UserId, profile.Username, profile.DisplayName, GroupRoles.Name(member.Role), member.JoinedSeq, member.LastReadSeq)
                : new GroupMemberResponse(member.UserId, "", "", GroupRoles.Name(member.Role), member.JoinedSeq, member.LastReadSeq))
            .ToList();
        return new GroupResponse(group.ConversationId, group.Name, group.OwnerId, members, group.LastSeq, group.CreatedAt);
    }
}
