using System.Net.Http.Json;
using Social.Client.Http;

namespace Social.Client;

/// <summary><c>/api/messages</c>: sending, history, conversations and read state.</summary>
public sealed class MessagesClient
{
    private readonly ApiTransport _transport;

    internal MessagesClient(ApiTransport transport) => _transport = transport;

    /// <summary>
    /// <c>POST /api/messages/send</c>, once. A retry with the same <see cref="SendMessageRequest.ClientMessageId"/>
    /// returns the first message and stores nothing new. Refusals: <c>not_friends</c>, <c>blocked</c>,
    /// <c>empty_message</c>, <c>message_too_long</c>, <c>rate_limited</c>, <c>unavailable</c>.
    /// For delivery that survives disconnects use <see cref="SocialConnection.SendAsync"/>.
    /// </summary>
    public Task<Message> SendAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, "/api/messages/send", request,
            SocialJsonContext.Default.SendMessageRequest, SocialJsonContext.Default.Message, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/messages/greeting</c> (PRO): <c>pro_required</c>, <c>greeting_already_sent</c>, <c>already_friends</c>, <c>blocked</c>.</summary>
    public Task<Message> SendGreetingAsync(GreetingRequest request, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, "/api/messages/greeting", request,
            SocialJsonContext.Default.GreetingRequest, SocialJsonContext.Default.Message, authenticated: true, cancellationToken);

    /// <summary><c>GET /api/messages/conversations</c>: most recent first.</summary>
    public Task<ConversationPage> ListConversationsAsync(string? search = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _transport.GetAsync(
            "/api/messages/conversations" + QueryString.Of(("search", search), ("limit", QueryString.Number(limit)), ("cursor", cursor)),
            SocialJsonContext.Default.ConversationPage,
            cancellationToken);

    /// <summary><c>GET /api/messages/conversations/with/{userId}</c>: the direct conversation's id.</summary>
    public async Task<string> GetConversationIdAsync(string userId, CancellationToken cancellationToken = default) =>
        (await _transport.GetAsync($"/api/messages/conversations/with/{Uri.EscapeDataString(userId)}", SocialJsonContext.Default.ConversationRef, cancellationToken)).ConversationId;

    /// <summary>
    /// <c>GET /api/messages/{conversationId}</c>: the newest page, or the page before <paramref name="beforeSeq"/>,
    /// or the oldest page after <paramref name="afterSeq"/> (catch-up); oldest first. <c>conversation_not_found</c>.
    /// </summary>
    public Task<MessagePage> GetHistoryAsync(string conversationId, long? beforeSeq = null, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _transport.GetAsync(
            $"/api/messages/{Uri.EscapeDataString(conversationId)}" + QueryString.Of(("beforeSeq", QueryString.Number(beforeSeq)), ("afterSeq", QueryString.Number(afterSeq)), ("limit", QueryString.Number(limit))),
            SocialJsonContext.Default.MessagePage,
            cancellationToken);

    /// <summary>Every message after <paramref name="afterSeq"/>, oldest first, page after page (the gap-free catch-up).</summary>
    public IAsyncEnumerable<Message> ReadAfterAsync(string conversationId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
        Paging.ReadAfterAsync((after, token) => GetHistoryAsync(conversationId, afterSeq: after, limit: 100, cancellationToken: token), afterSeq, cancellationToken);

    /// <summary><c>POST /api/messages/mark-read</c>: up to <see cref="MarkReadRequest.UpToSeq"/>, or everything.</summary>
    public Task<ReadState> MarkReadAsync(MarkReadRequest request, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, "/api/messages/mark-read", request,
            SocialJsonContext.Default.MarkReadRequest, SocialJsonContext.Default.ReadState, authenticated: true, cancellationToken);

    /// <summary><c>GET /api/messages/unread</c>.</summary>
    public Task<UnreadSummary> GetUnreadAsync(CancellationToken cancellationToken = default) =>
        _transport.GetAsync("/api/messages/unread", SocialJsonContext.Default.UnreadSummary, cancellationToken);

    /// <summary><c>POST /api/messages/hide</c>: "delete for me".</summary>
    public Task HideAsync(HideRequest request, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Post, "/api/messages/hide",
            () => JsonContent.Create(request, SocialJsonContext.Default.HideRequest), headers: null, authenticated: true, cancellationToken);
}
