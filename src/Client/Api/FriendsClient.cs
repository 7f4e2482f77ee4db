using System.Globalization;
using System.Net.Http.Json;
using Social.Client.Http;

namespace Social.Client;

/// <summary><c>/api/friends</c>: requests, friendships and blocks.</summary>
public sealed class FriendsClient
{
    private readonly ApiTransport _transport;

    internal FriendsClient(ApiTransport transport) => _transport = transport;

    /// <summary>
    /// <c>POST /api/friends/request/{targetId}</c>: <c>pending</c>, or <c>accepted</c> when they had asked first.
    /// Refusals: <c>cannot_friend_self</c>, <c>user_not_found</c>, <c>blocked</c>, <c>request_already_sent</c>,
    /// <c>already_friends</c>, <c>friend_limit_reached</c>, <c>rate_limited</c>.
    /// </summary>
    public Task<FriendStatus> RequestAsync(string targetId, CancellationToken cancellationToken = default) =>
        _transport.PostAsync(Path("request", targetId), SocialJsonContext.Default.FriendStatus, cancellationToken);

    /// <summary><c>POST /api/friends/accept/{targetId}</c>: <c>no_pending_request</c>, <c>friend_limit_reached</c>.</summary>
    public Task<FriendStatus> AcceptAsync(string targetId, CancellationToken cancellationToken = default) =>
        _transport.PostAsync(Path("accept", targetId), SocialJsonContext.Default.FriendStatus, cancellationToken);

    /// <summary><c>POST /api/friends/reject/{targetId}</c> declines an incoming request: <c>no_pending_request</c>.</summary>
    public Task RejectAsync(string targetId, CancellationToken cancellationToken = default) => PostNoContentAsync(Path("reject", targetId), cancellationToken);

    /// <summary><c>POST /api/friends/cancel/{targetId}</c> withdraws an outgoing request: <c>no_pending_request</c>.</summary>
    public Task CancelAsync(string targetId, CancellationToken cancellationToken = default) => PostNoContentAsync(Path("cancel", targetId), cancellationToken);

    /// <summary><c>POST /api/friends/batch-accept</c> with at most 100 ids.</summary>
    public Task<BatchAcceptResult> BatchAcceptAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default) =>
        _transport.SendJsonAsync(HttpMethod.Post, "/api/friends/batch-accept", userIds,
            SocialJsonContext.Default.IReadOnlyListString, SocialJsonContext.Default.BatchAcceptResult, authenticated: true, cancellationToken);

    /// <summary><c>DELETE /api/friends/{targetId}</c>: <c>not_friends</c>.</summary>
    public Task UnfriendAsync(string targetId, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(HttpMethod.Delete, $"/api/friends/{Uri.EscapeDataString(targetId)}", content: null, headers: null, authenticated: true, cancellationToken);

    /// <summary><c>POST /api/friends/block/{targetId}</c>: ends any friendship or request; idempotent.</summary>
    public Task BlockAsync(string targetId, CancellationToken cancellationToken = default) => PostNoContentAsync(Path("block", targetId), cancellationToken);

    /// <summary><c>POST /api/friends/unblock/{targetId}</c>: <c>not_blocked</c>.</summary>
    public Task UnblockAsync(string targetId, CancellationToken cancellationToken = default) => PostNoContentAsync(Path("unblock", targetId), cancellationToken);

    /// <summary><c>GET /api/friends/list</c>: one page of <paramref name="status"/> (see <see cref="FriendStatuses"/>).</summary>
    public Task<FriendPage> ListAsync(string status = FriendStatuses.Accepted, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var path = $"/api/friends/list?status={Uri.EscapeDataString(status)}"
            + (limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : "")
            + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
        return _transport.GetAsync(path, SocialJsonContext.Default.FriendPage, cancellationToken);
    }

    /// <summary>Every row of <paramref name="status"/>, page after page.</summary>
    public async IAsyncEnumerable<Friend> ListAllAsync(
        string status = FriendStatuses.Accepted, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListAsync(status, limit: 100, cursor, cancellationToken);
            foreach (var friend in page.Items)
            {
                yield return friend;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private static string Path(string action, string targetId) => $"/api/friends/{action}/{Uri.EscapeDataString(targetId)}";

    private Task PostNoContentAsync(string path, CancellationToken cancellationToken) =>
        _transport.SendNoContentAsync(HttpMethod.Post, path, content: null, headers: null, authenticated: true, cancellationToken);
}
