using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Social.Grains;
using Social.Grains.Messages;
using Social.Grains.Realtime;
using Social.WebFront.Api;
using Social.WebFront.Auth;
using Social.WebFront.Overload;

namespace Social.WebFront.Realtime;

/// <summary>
/// The SignalR hub: connections join their user's group (<see cref="UserGroups"/>, where events
/// are sent; the user's stream subscription was taken before the handshake, see
/// <see cref="MessagesHubEndpoint"/>); the methods call the same grains as REST and hold no rules
/// of their own. A refused rule is a HubException whose message starts with the contract's code.
/// Connections opened with <c>?sequenced=true</c> get event positions, a <c>session</c> event and
/// <see cref="Resume"/> (docs/api.md).
/// </summary>
[Authorize]
public sealed partial class MessagesHub(
    IGrainFactory grains, UserStreamSubscriptions subscriptions, SendGate gate, IOptions<RealtimeOptions> options, Presence.PresenceTracker presence) : Hub<IMessagesClient>
{
    private const string ConversationsItem = "social.conversations";
    private const string SessionItem = "social.session";

    /// <summary>Bounds the per-connection cache, for a client that writes to very many users.</summary>
    private const int MaxCachedConversations = 64;

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User!.UserId();
        if (subscriptions.ConnectionsOf(userId) > options.Value.MaxConnectionsPerUser)
        {
            // SignalR closes the connection and passes this message on in its close frame.
            throw HubRefusals.TooManyConnections(options.Value.MaxConnectionsPerUser);
        }

        var sequenced = Context.GetHttpContext()?.Request.Query["sequenced"] is { Count: > 0 } value
            && string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);

        // Joined while no event can be delivered, so the connection's events start right after
        // the session position it is told. SignalR leaves the group on disconnect.
        await subscriptions.JoinAsync(userId, async position =>
        {
            if (sequenced)
            {
                Context.Items[SessionItem] = position;
                await Clients.Caller.session(position);
                await Groups.AddToGroupAsync(Context.ConnectionId, UserGroups.Sequenced(userId));
            }
            else
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, UserGroups.For(userId));
            }
        });
        await base.OnConnectedAsync();
    }

    /// <summary>
    /// For a sequenced connection: the events the client missed between <paramref name="request"/>
    /// (the last position it saw, on an earlier connection) and this connection's session
    /// position, in order; <c>complete: false</c> means catch up through REST instead.
    /// </summary>
    public async Task<ResumeResult> Resume(ResumeRequest request)
    {
        if (request is not { Epoch: { } epoch, Seq: >= 0 and { } seq })
        {
            throw HubRefusals.Validation("seq", "epoch and seq (≥ 0) are required.");
        }

        if (!Context.Items.TryGetValue(SessionItem, out var item) || item is not EventPosition session)
        {
            throw HubRefusals.Validation("sequenced", "Resume needs a connection opened with ?sequenced=true.");
        }

        var (complete, events) = await subscriptions.ReplayAsync(Context.User!.UserId(), new EventPosition(epoch, seq), session);
        return new ResumeResult(complete, events.Select(e => new ReplayedEvent(e.Event.Name, e.Event.Payload, e.Position.Epoch, e.Position.Seq)).ToList());
    }

    public async Task<Message> SendMessage(SendMessageRequest? request)
    {
        if (MessageInputs.CheckSend(request?.RecipientId, request?.Content, request?.ClientMessageId) is { } problem)
        {
            throw HubRefusals.From(problem);
        }

        var senderId = Context.User!.UserId();
        var command = new SendMessageCommand(senderId, request!.RecipientId!, request.Content!, request.ClientMessageId);
        var conversation = ConversationWith(command.RecipientId);
        var result = await gate.RunAsync(() => conversation.Send(command));
        return result.Message ?? throw HubRefusals.From(result.Error, result.RetryAfter);
    }

    public async Task<ReadState> MarkRead(MarkReadRequest? request)
    {
        if (MessageInputs.CheckMarkRead(request?.ConversationId, request?.UpToSeq) is { } problem)
        {
            throw HubRefusals.From(problem);
        }

        return await grains.GetConversation(request!.ConversationId!).MarkRead(Context.User!.UserId(), request.UpToSeq)
            ?? throw HubRefusals.From(MessageError.ConversationNotFound, null);
    }

    public async Task Typing(string conversationId)
    {
        if (MessageInputs.CheckConversationId(conversationId) is { } problem)
        {
            throw HubRefusals.From(problem);
        }

        if (!await grains.GetConversation(conversationId).Typing(Context.User!.UserId()))
        {
            throw HubRefusals.From(MessageError.ConversationNotFound, null);
        }
    }

    /// <summary>The client reports the user inactive (away) on this connection, or active again (docs/api.md, presence).</summary>
    public Task SetAway(bool away) => presence.SetAwayAsync(Context.User!.UserId(), Context.ConnectionId, away);

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
}
