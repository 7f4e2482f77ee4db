namespace Social.Client;

/// <summary>Where a friend request stands after a call: <c>pending</c> or <c>accepted</c>.</summary>
/// <param name="Status"><see cref="FriendStatuses.Pending"/> or <see cref="FriendStatuses.Accepted"/>.</param>
public sealed record FriendStatus(string Status);

/// <summary>What <c>POST /api/friends/batch-accept</c> did.</summary>
/// <param name="Accepted">The users now friends.</param>
/// <param name="Failed">The users that were not accepted, with the contract's code.</param>
public sealed record BatchAcceptResult(IReadOnlyList<string> Accepted, IReadOnlyList<BatchAcceptFailure> Failed);

/// <summary>One user a batch accept refused.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Code">Why, as an <see cref="ErrorCodes"/> value.</param>
public sealed record BatchAcceptFailure(string UserId, string Code);

/// <summary>One row of <c>GET /api/friends/list</c>.</summary>
/// <param name="UserId">The other user.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="Status">One of <see cref="FriendStatuses"/>.</param>
/// <param name="Direction">For pending: <c>incoming</c> or <c>outgoing</c>.</param>
/// <param name="Since">When the relationship took this state.</param>
/// <param name="Presence">For accepted friends: online, away, offline or unknown (docs/api.md, "Presence"); null otherwise.</param>
public sealed record Friend(string UserId, string Username, string DisplayName, string Status, string? Direction, DateTimeOffset Since, FriendPresence? Presence = null);

/// <summary>A page of friends; <see cref="NextCursor"/> fetches the next one.</summary>
/// <param name="Items">The rows.</param>
/// <param name="NextCursor">The next page's cursor, or null on the last page.</param>
public sealed record FriendPage(IReadOnlyList<Friend> Items, string? NextCursor);

/// <summary>The values of <see cref="Friend.Status"/> and the <c>status</c> filter of the friend list.</summary>
public static class FriendStatuses
{
    /// <summary>Accepted friends (the list's default).</summary>
    public const string Accepted = "accepted";

    /// <summary>Requests either way.</summary>
    public const string Pending = "pending";

    /// <summary>Users the caller blocked.</summary>
    public const string Blocked = "blocked";
}
