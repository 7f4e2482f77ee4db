using System.Net.Http.Json;
using Social.Client.Http;

namespace Social.Client;

/// <summary>
/// <c>/api/groups</c> (docs/api.md, "Groups"). A caller who is not a member gets 404
/// <c>group_not_found</c> on every route. Group messages are <see cref="Message"/>s whose
/// <see cref="Message.RecipientId"/> is the group; membership changes are system messages
/// (<see cref="Message.System"/>) in the same seq.
/// </summary>
public sealed class GroupsClient
{
    private readonly ApiTransport _transport;

    internal GroupsClient(ApiTransport transport) => _transport = transport;

    /// <summary>
    /// <c>POST /api/groups</c>: the caller owns it; every member must be the caller's friend.
    /// Refusals: <c>not_friends</c>, <c>blocked</c>, <c>group_full</c>, <c>validation_failed</c> (name 1–100 characters).
    /// </summary>
    public Task<Group> CreateAsync(string name, IReadOnlyList<string> memberIds, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, "/api/groups", new CreateGroupRequest(name, memberIds),
            SocialJsonContext.Default.CreateGroupRequest, SocialJsonContext.Default.Group, authenticated: true, cancellationToken);

    /// <summary><c>GET /api/groups/{conversationId}</c>.</summary>
    public Task<Group> GetAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync(Path(conversationId), SocialJsonContext.Default.Group, cancellationToken);

    /// <summary><c>PATCH /api/groups/{conversationId}</c> (owner or admin): <c>not_group_admin</c>, <c>validation_failed</c>.</summary>
    public Task<Group> RenameAsync(string conversationId, string name, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Patch, Path(conversationId), new RenameGroupRequest(name),
            SocialJsonContext.Default.RenameGroupRequest, SocialJsonContext.Default.Group, authenticated: true, cancellationToken);

    /// <summary>
    /// <c>POST /api/groups/{conversationId}/members</c> (owner or admin): the user must be the adder's friend.
    /// Refusals: <c>not_friends</c>, <c>blocked</c>, <c>already_member</c>, <c>group_full</c>, <c>not_group_admin</c>.
    /// </summary>
    public Task<Group> AddMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, Path(conversationId, "members"), new GroupUserRequest(userId),
            SocialJsonContext.Default.GroupUserRequest, SocialJsonContext.Default.Group, authenticated: true, cancellationToken);

    /// <summary>
    /// <c>DELETE /api/groups/{conversationId}/members/{userId}</c>: the owner removes anyone else, an admin plain members.
    /// Refusals: <c>not_group_admin</c>, <c>invalid_group_target</c> (the owner), <c>not_member</c>. One's own id is leaving.
    /// </summary>
    public Task RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Delete, Path(conversationId, Member(userId)), content: null, headers: null, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/groups/{conversationId}/leave</c>: an owner who leaves hands ownership to the oldest admin, else the oldest member.</summary>
    public Task LeaveAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Post, Path(conversationId, "leave"), content: null, headers: null, authenticated: true, cancellationToken);

    /// <summary>
    /// <c>PUT /api/groups/{conversationId}/members/{userId}/role</c> with <see cref="GroupRoles.Admin"/> or
    /// <see cref="GroupRoles.Member"/>: owner and admins promote, only the owner demotes an admin.
    /// Refusals: <c>not_group_admin</c>, <c>invalid_group_target</c>, <c>not_member</c>, <c>validation_failed</c>.
    /// </summary>
    public Task<Group> SetRoleAsync(string conversationId, string userId, string role, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Put, Path(conversationId, Member(userId) + "/role"), new SetRoleRequest(role),
            SocialJsonContext.Default.SetRoleRequest, SocialJsonContext.Default.Group, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/groups/{conversationId}/owner</c>: the owner hands ownership to a member and stays an admin; <c>not_group_admin</c>.</summary>
    public Task<Group> TransferOwnershipAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, Path(conversationId, "owner"), new GroupUserRequest(userId),
            SocialJsonContext.Default.GroupUserRequest, SocialJsonContext.Default.Group, authenticated: true, cancellationToken);

    /// <summary>
    /// <c>POST /api/groups/{conversationId}/messages</c>, once: the rules and codes of a direct send
    /// (<c>empty_message</c>, <c>message_too_long</c>, <c>rate_limited</c>, <c>unavailable</c>). A retry with the
    /// same <paramref name="clientMessageId"/> returns the first message. For delivery that survives
    /// disconnects use <see cref="SocialConnection.SendToGroupAsync"/>.
    /// </summary>
    public Task<Message> SendAsync(string conversationId, string content, string? clientMessageId = null, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, Path(conversationId, "messages"), new GroupSendRequest(content, clientMessageId),
            SocialJsonContext.Default.GroupSendRequest, SocialJsonContext.Default.Message, authenticated: true, cancellationToken);

    /// <summary>
    /// <c>GET /api/groups/{conversationId}/messages</c>: the newest page, the page before <paramref name="beforeSeq"/>,
    /// or the oldest page after <paramref name="afterSeq"/>; oldest first, with every current member's read cursor.
    /// </summary>
    public Task<MessagePage> GetHistoryAsync(string conversationId, long? beforeSeq = null, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _transport.GetAsync(
            Path(conversationId, "messages") + QueryString.Of(("beforeSeq", QueryString.Number(beforeSeq)), ("afterSeq", QueryString.Number(afterSeq)), ("limit", QueryString.Number(limit))),
            SocialJsonContext.Default.MessagePage,
            cancellationToken);

    /// <summary>Every message the caller may see after <paramref name="afterSeq"/>, oldest first, page after page.</summary>
    public IAsyncEnumerable<Message> ReadAfterAsync(string conversationId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
        Paging.ReadAfterAsync((after, token) => GetHistoryAsync(conversationId, afterSeq: after, limit: 100, cancellationToken: token), afterSeq, cancellationToken);

    /// <summary><c>POST /api/groups/{conversationId}/mark-read</c>: up to <paramref name="upToSeq"/>, or everything.</summary>
    public Task<ReadState> MarkReadAsync(string conversationId, long? upToSeq = null, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, Path(conversationId, "mark-read"), new GroupMarkReadRequest(upToSeq),
            SocialJsonContext.Default.GroupMarkReadRequest, SocialJsonContext.Default.ReadState, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/groups/{conversationId}/hide</c>: "delete for me"; <c>message_not_found</c>.</summary>
    public Task HideAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Post, Path(conversationId, "hide"),
            () => JsonContent.Create(new GroupHideRequest(messageId), SocialJsonContext.Default.GroupHideRequest), headers: null, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/groups/{conversationId}/typing</c>: the other members hear <c>typing</c>.</summary>
    public Task TypingAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Post, Path(conversationId, "typing"), content: null, headers: null, authenticated: true, cancellationToken);

    private static string Path(string conversationId, string? rest = null) =>
        $"/api/groups/{Uri.EscapeDataString(conversationId)}" + (rest is null ? "" : "/" + rest);

    private static string Member(string userId) => $"members/{Uri.EscapeDataString(userId)}";
}
