using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Social.Grains;
using Social.Grains.Messages;
using Social.WebFront.Api;
using Social.WebFront.Auth;

namespace Social.WebFront.Realtime;

/// <summary>
/// The SignalR hub: connections join their user's stream subscription and their user's group
/// (<see cref="UserGroups"/>, where events are sent); the methods call the same grains as REST
/// and hold no rules of their own. A refused rule is a HubException whose message starts with
/// the contract's code.
/// </summary>
[Authorize]
public sealed class MessagesHub(IGrainFactory grains, UserStreamSubscriptions subscriptions) : Hub<IMessagesClient>
{
    private const string ConversationsItem = "social.conversations";

    /// <summary>Bounds the per-connection cache, for a client that writes to very many users.</summary>
    private const int MaxCachedConversations = 64;

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User!.UserId();

        // Joined before the subscription delivers anything; SignalR leaves the group on disconnect.
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroups.For(userId));
        await subscriptions.AddConnectionAsync(userId);
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
        var result = await ConversationWith(command.RecipientId).Send(command);
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

    /// <summary>
    /// The grain of this connection's conversation with <paramref name="recipientId"/>, kept for
    /// the connection's lifetime: a user sends to few peers, and making the reference means
    /// hashing the pair and resolving the grain interface each time.
    /// </summary>
    private IConversationGrain ConversationWith(string recipientId)
    {
        // A connection's hub methods run one at a time (SignalR's default), so a plain dictionary will do.
        if (!Context.Items.TryGetValue(ConversationsItem, out var item) || item is not Dictionary<string, IConversationGrain> conversations)
        {
            conversations = new Dictionary<string, IConversationGrain>(StringComparer.Ordinal);
            Context.Items[ConversationsItem] = conversations;
        }

        if (!conversations.TryGetValue(recipientId, out var conversation))
        {
            if (conversations.Count >= MaxCachedConversations)
            {
                conversations.Clear();
            }

            conversation = grains.GetDirectConversation(Context.User!.UserId(), recipientId);
            conversations[recipientId] = conversation;
        }

        return conversation;
    }

    private static HubException Refused(MessageError error, TimeSpan? retryAfter)
    {
        var problem = Problems.FromMessageError(error, retryAfter, response: null);
        var code = problem.ProblemDetails.Extensions["code"];
        var wait = retryAfter is { } delay ? $" Retry after {Math.Ceiling(delay.TotalSeconds)} s." : "";
        return new HubException($"{code}: {problem.ProblemDetails.Detail}{wait}");
    }
}
