using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Social.Grains;
using Social.Grains.Messages;
using Social.WebFront.Api;
using Social.WebFront.Auth;

namespace Social.WebFront.Realtime;

/// <summary>
/// The SignalR hub: connections join their user's stream subscription; the methods call the
/// same grains as REST and hold no rules of their own. A refused rule is a HubException whose
/// message starts with the contract's code.
/// </summary>
[Authorize]
public sealed class MessagesHub(IGrainFactory grains, UserStreamSubscriptions subscriptions) : Hub<IMessagesClient>
{
    public override async Task OnConnectedAsync()
    {
        await subscriptions.AddConnectionAsync(Context.User!.UserId());
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await subscriptions.RemoveConnectionAsync(Context.User!.UserId());
        await base.OnDisconnectedAsync(exception);
    }

    public async Task<Message> SendMessage(SendMessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Inputs.IsValidId(request.RecipientId) || (request.ClientMessageId is not null && !Inputs.IsValidId(request.ClientMessageId)))
        {
            throw new HubException("validation_failed: recipientId and clientMessageId are 1 to 100 characters.");
        }

        var senderId = Context.User!.UserId();
        var command = new SendMessageCommand(senderId, request.RecipientId!, request.Content ?? "", request.ClientMessageId);
        var result = await grains.GetDirectConversation(senderId, command.RecipientId).Send(command);
        return result.Message ?? throw Refused(result.Error, result.RetryAfter);
    }

    public async Task<ReadState> MarkRead(MarkReadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ConversationIds.IsWellFormed(request.ConversationId) || request.UpToSeq is < 0)
        {
            throw Refused(MessageError.ConversationNotFound, null);
        }

        return await grains.GetConversation(request.ConversationId!).MarkRead(Context.User!.UserId(), request.UpToSeq)
            ?? throw Refused(MessageError.ConversationNotFound, null);
    }

    public async Task Typing(string conversationId)
    {
        if (!ConversationIds.IsWellFormed(conversationId) || !await grains.GetConversation(conversationId).Typing(Context.User!.UserId()))
        {
            throw Refused(MessageError.ConversationNotFound, null);
        }
    }

    private static HubException Refused(MessageError error, TimeSpan? retryAfter)
    {
        var problem = Problems.FromMessageError(error, retryAfter, response: null);
        var code = problem.ProblemDetails.Extensions["code"];
        var wait = retryAfter is { } delay ? $" Retry after {Math.Ceiling(delay.TotalSeconds)} s." : "";
        return new HubException($"{code}: {problem.ProblemDetails.Detail}{wait}");
    }
}
