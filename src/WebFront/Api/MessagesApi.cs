using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Storage.Accounts;
using Social.WebFront.Auth;
using Social.WebFront.Overload;

namespace Social.WebFront.Api;

public sealed record SendMessageRequest(string? RecipientId, string? Content, string? ClientMessageId);

public sealed record GreetingRequest(string? RecipientId, string? Content);

public sealed record MarkReadRequest(string? ConversationId, long? UpToSeq);

public sealed record HideRequest(string? ConversationId, string? MessageId);

public sealed record PeerResponse(string UserId, string Username, string DisplayName);

/// <summary>
/// A list entry: the contract's fields, and <c>kind</c> (<c>direct</c> or <c>group</c>); a group's
/// entry has no peer and a <c>group</c> summary instead (docs/api.md, "Groups").
/// </summary>
public sealed record ConversationResponse(
    string ConversationId,
    PeerResponse? Peer,
    Message? LastMessage,
    int UnreadCount,
    DateTimeOffset UpdatedAt,
    string Kind = "direct",
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] GroupSummaryResponse? Group = null);

public sealed record ConversationListResponse(IReadOnlyList<ConversationResponse> Items, string? NextCursor);

public sealed record ConversationIdResponse(string ConversationId);

public sealed record UnreadResponse(int TotalUnread, int Conversations);

/// <summary>The seed's message routes. Every rule is the conversation grain's; this class translates HTTP.</summary>
public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        group.MapPost("/send", Send);
        group.MapPost("/greeting", Greeting);
        group.MapGet("/conversations", ListConversations);
        group.MapGet("/conversations/with/{userId}", ConversationWith);
        group.MapGet("/unread", Unread);
        group.MapPost("/mark-read", MarkRead);
        group.MapPost("/hide", Hide);
        group.MapGet("/{conversationId}", History);
        return routes;
    }

    public static async Task<Results<Created<Message>, Ok<Message>, ProblemHttpResult>> Send(
        SendMessageRequest request, ClaimsPrincipal principal, IGrainFactory grains, SendGate gate, HttpResponse response)
    {
        if (MessageInputs.CheckSend(request.RecipientId, request.Content, request.ClientMessageId) is { } problem)
        {
            return problem;
        }

        var senderId = principal.UserId();
        var command = new SendMessageCommand(senderId, request.RecipientId!, request.Content!, request.ClientMessageId);
        var result = await gate.RunAsync(() => grains.GetDirectConversation(senderId, command.RecipientId).Send(command));
        return ToResponse(result, response);
    }

    public static async Task<Results<Created<Message>, Ok<Message>, ProblemHttpResult>> Greeting(
        GreetingRequest request, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, SendGate gate, HttpResponse response, CancellationToken cancellationToken)
    {
        if (MessageInputs.CheckSend(request.RecipientId, request.Content, clientMessageId: null) is { } problem)
        {
            return problem;
        }

        if (await directory.FindByIdAsync(request.RecipientId!, cancellationToken) is null)
        {
            return Problems.UserNotFound();
        }

        var senderId = principal.UserId();
        var command = new SendMessageCommand(senderId, request.RecipientId!, request.Content!, ClientMessageId: null, IsGreeting: true);
        var result = await gate.RunAsync(() => grains.GetDirectConversation(senderId, command.RecipientId).Send(command));
        return ToResponse(result, response);
    }

    public static async Task<Results<Ok<ConversationListResponse>, ProblemHttpResult>> ListConversations(
        string? search, int? limit, string? cursor, ClaimsPrincipal principal, IGrainFactory grains, IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (Inputs.Limit(limit, fallback: 20, max: 100) is not { } take)
        {
            return Problems.Validation("limit", "Between 1 and 100.");
        }

        if (search is { Length: > 100 } || cursor is { Length: > 512 })
        {
            return Problems.Validation(search is { Length: > 100 } ? "search" : "cursor", "Too long.");
        }

        if (search is not null && !UserNames.IsPrintable(search))
        {
            return Problems.Validation("search", "Control and format characters are not allowed.");
        }

        var user = grains.GetUser(principal.UserId());
        HashSet<string>? peerFilter = null;
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var peers = await directory.FindByIdsAsync(await user.GetConversationPeers(), cancellationToken);
            peerFilter = peers.Values
                .Where(peer => peer.Username.Contains(term, StringComparison.OrdinalIgnoreCase) || peer.DisplayName.Contains(term, StringComparison.OrdinalIgnoreCase))
                .Select(peer => peer.UserId)
                .ToHashSet(StringComparer.Ordinal);
        }

        var page = await user.ListConversations(take, cursor, peerFilter);
        var profiles = await directory.FindByIdsAsync(page.Items.Select(item => item.PeerId).Distinct().ToList(), cancellationToken);
        var items = page.Items
            .Select(item => new ConversationResponse(
                item.ConversationId,
                profiles.TryGetValue(item.PeerId, out var peer) ? new PeerResponse(peer.UserId, peer.Username, peer.DisplayName) : new PeerResponse(item.PeerId, "", ""),
                item.LastMessage,
                item.UnreadCount,
                item.UpdatedAt))
            .ToList();
        var groups = await grains.GetUserGroups(principal.UserId()).List(take, cursor, string.IsNullOrWhiteSpace(search) ? null : search.Trim());
        return TypedResults.Ok(ConversationLists.Merge(items, page.NextCursor, groups, take));
    }

    public static async Task<Results<Ok<ConversationIdResponse>, ProblemHttpResult>> ConversationWith(
        string userId, ClaimsPrincipal principal, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(userId))
        {
            return Inputs.InvalidId("userId");
        }

        var callerId = principal.UserId();
        if (userId == callerId)
        {
            return Problems.Validation("userId", "There is no conversation with oneself.");
        }

        if (await directory.FindByIdAsync(userId, cancellationToken) is null)
        {
            return Problems.UserNotFound();
        }

        return Visibility.IsHidden(await grains.GetUser(callerId).GetRelationship(userId))
            ? Problems.UserNotFound()
            : TypedResults.Ok(new ConversationIdResponse(ConversationIds.Direct(callerId, userId)));
    }

    public static async Task<Ok<UnreadResponse>> Unread(ClaimsPrincipal principal, IGrainFactory grains)
    {
        var direct = grains.GetUser(principal.UserId()).GetUnread();
        var groups = grains.GetUserGroups(principal.UserId()).GetUnread();
        var (d, g) = (await direct, await groups);
        return TypedResults.Ok(new UnreadResponse(d.TotalUnread + g.TotalUnread, d.Conversations + g.Conversations));
    }

    public static async Task<Results<Ok<ReadState>, ProblemHttpResult>> MarkRead(MarkReadRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (MessageInputs.CheckMarkRead(request.ConversationId, request.UpToSeq) is { } problem)
        {
            return problem;
        }

        var state = await grains.GetConversation(request.ConversationId!).MarkRead(principal.UserId(), request.UpToSeq);
        return state is null ? Problems.ConversationNotFound() : TypedResults.Ok(state);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Hide(HideRequest request, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response)
    {
        if (MessageInputs.CheckHide(request.ConversationId, request.MessageId) is { } problem)
        {
            return problem;
        }

        var error = await grains.GetConversation(request.ConversationId!).Hide(principal.UserId(), request.MessageId!);
        return error == MessageError.None ? TypedResults.NoContent() : Problems.FromMessageError(error, null, response);
    }

    public static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> History(
        string conversationId, long? beforeSeq, long? afterSeq, int? limit, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (MessageInputs.CheckHistory(conversationId, beforeSeq, afterSeq, limit, out var take) is { } problem)
        {
            return problem;
        }

        var page = await grains.GetConversation(conversationId).GetHistory(principal.UserId(), beforeSeq, afterSeq, take);
        return page is null ? Problems.ConversationNotFound() : TypedResults.Ok(page);
    }

    private static Results<Created<Message>, Ok<Message>, ProblemHttpResult> ToResponse(SendResult result, HttpResponse response) => result switch
    {
        { Error: MessageError.None, Message: { } message, Duplicate: true } => TypedResults.Ok(message),
        { Error: MessageError.None, Message: { } message } => TypedResults.Created($"/api/messages/{message.ConversationId}?afterSeq={message.Seq - 1}&limit=1", message),
        _ => Problems.FromMessageError(result.Error, result.RetryAfter, response),
    };
}
