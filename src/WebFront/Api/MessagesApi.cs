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

public sealed record ConversationResponse(string ConversationId, PeerResponse Peer, Message? LastMessage, int UnreadCount, DateTimeOffset UpdatedAt);

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
        if (CheckSend(request.RecipientId, request.Content, request.ClientMessageId) is { } problem)
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
        if (CheckSend(request.RecipientId, request.Content, clientMessageId: null) is { } problem)
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
        return TypedResults.Ok(new ConversationListResponse(items, page.NextCursor));
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
        var unread = await grains.GetUser(principal.UserId()).GetUnread();
        return TypedResults.Ok(new UnreadResponse(unread.TotalUnread, unread.Conversations));
    }

    public static async Task<Results<Ok<ReadState>, ProblemHttpResult>> MarkRead(MarkReadRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (request.UpToSeq is < 0)
        {
            return Problems.Validation("upToSeq", "Must not be negative.");
        }

        if (!ConversationIds.IsWellFormed(request.ConversationId))
        {
            return ConversationNotFound();
        }

        var state = await grains.GetConversation(request.ConversationId!).MarkRead(principal.UserId(), request.UpToSeq);
        return state is null ? ConversationNotFound() : TypedResults.Ok(state);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Hide(HideRequest request, ClaimsPrincipal principal, IGrainFactory grains, HttpResponse response)
    {
        if (!Inputs.IsValidId(request.MessageId))
        {
            return Inputs.InvalidId("messageId");
        }

        if (!ConversationIds.IsWellFormed(request.ConversationId))
        {
            return ConversationNotFound();
        }

        var error = await grains.GetConversation(request.ConversationId!).Hide(principal.UserId(), request.MessageId!);
        return error == MessageError.None ? TypedResults.NoContent() : Problems.FromMessageError(error, null, response);
    }

    public static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> History(
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

        if (!ConversationIds.IsWellFormed(conversationId))
        {
            return ConversationNotFound();
        }

        var page = await grains.GetConversation(conversationId).GetHistory(principal.UserId(), beforeSeq, afterSeq, take);
        return page is null ? ConversationNotFound() : TypedResults.Ok(page);
    }

    private static ProblemHttpResult ConversationNotFound() =>
        Problems.Of(404, "conversation_not_found", "No such conversation, or you are not in it.");

    private static ProblemHttpResult? CheckSend(string? recipientId, string? content, string? clientMessageId)
    {
        if (!Inputs.IsValidId(recipientId))
        {
            return Inputs.InvalidId("recipientId");
        }

        if (clientMessageId is not null && !Inputs.IsValidId(clientMessageId))
        {
            return Inputs.InvalidId("clientMessageId");
        }

        var contentError = MessageContent.Check(content);
        return contentError == MessageError.None ? null : Problems.FromMessageError(contentError, null, null);
    }

    private static Results<Created<Message>, Ok<Message>, ProblemHttpResult> ToResponse(SendResult result, HttpResponse response) => result switch
    {
        { Error: MessageError.None, Message: { } message, Duplicate: true } => TypedResults.Ok(message),
        { Error: MessageError.None, Message: { } message } => TypedResults.Created($"/api/messages/{message.ConversationId}?afterSeq={message.Seq - 1}&limit=1", message),
        _ => Problems.FromMessageError(result.Error, result.RetryAfter, response),
    };
}
