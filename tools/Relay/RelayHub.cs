using Microsoft.AspNetCore.SignalR;

namespace Social.Relay;

/// <summary>What a client sends: the same shape as Social's hub argument.</summary>
public sealed record SendMessageRequest(string? RecipientId, string? Content, string? ClientMessageId);

/// <summary>What is relayed: the fields of Social's Message, filled in without storing anything.</summary>
public sealed record RelayedMessage(
    string MessageId, string ConversationId, long Seq, string SenderId, string RecipientId,
    string Content, DateTimeOffset CreatedAt, bool IsGreeting, string? ClientMessageId);

/// <summary>
/// Each connection is the user named by its access token (not checked: there is no
/// authentication) and joins that user's group, as Social's connections do.
/// </summary>
public sealed class RelayHub : Hub
{
    private static long s_seq;

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, UserOf(Context));
        await base.OnConnectedAsync();
    }

    public async Task<RelayedMessage> SendMessage(SendMessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var senderId = UserOf(Context);
        var recipientId = request.RecipientId ?? throw new HubException("validation_failed: recipientId is required.");
        var seq = Interlocked.Increment(ref s_seq);
        var message = new RelayedMessage(
            $"relay-{seq}", "relay", seq, senderId, recipientId, request.Content ?? "", DateTimeOffset.UtcNow, false, request.ClientMessageId);

        // Both sides, like Social: the recipient, and the sender's other tabs.
        await Clients.Groups(recipientId, senderId).SendAsync("new_message", message);
        return message;
    }

    /// <summary>The token as clients send it: the Authorization header (.NET) or <c>access_token</c> (browsers).</summary>
    private static string UserOf(HubCallerContext context)
    {
        var request = context.GetHttpContext()?.Request;
        var header = request?.Headers.Authorization.ToString() ?? "";
        var user = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : request?.Query["access_token"].ToString();
        return string.IsNullOrEmpty(user) ? throw new HubException("unauthorized: send the user id as the access token.") : user;
    }
}
