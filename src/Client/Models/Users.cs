namespace Social.Client;

/// <summary>The caller's own account (<c>GET /api/users/me</c>).</summary>
/// <param name="UserId">The caller's id.</param>
/// <param name="Username">The caller's username.</param>
/// <param name="DisplayName">The caller's display name.</param>
/// <param name="Plan"><see cref="Plans.Free"/> or <see cref="Plans.Pro"/>.</param>
/// <param name="FriendCount">Accepted friends.</param>
/// <param name="FriendLimit">The plan's friend limit.</param>
public sealed record CurrentUser(string UserId, string Username, string DisplayName, string Plan, int FriendCount, int FriendLimit);

/// <summary>Another user as the caller sees them.</summary>
/// <param name="UserId">Their id.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="Relationship">One of <see cref="Relationships"/>.</param>
public sealed record UserProfile(string UserId, string Username, string DisplayName, string Relationship);

/// <summary>A page of <c>GET /api/users/search</c>.</summary>
/// <param name="Items">The users found, in username order.</param>
/// <param name="NextCursor">The next page's cursor (with the same query), or null on the last page.</param>
public sealed record UserSearchResult(IReadOnlyList<UserProfile> Items, string? NextCursor = null);

/// <summary>The relationship values of <see cref="UserProfile.Relationship"/>.</summary>
public static class Relationships
{
    /// <summary>No relationship.</summary>
    public const string None = "none";

    /// <summary>Accepted friends.</summary>
    public const string Friends = "friends";

    /// <summary>The caller asked them.</summary>
    public const string PendingOutgoing = "pending_outgoing";

    /// <summary>They asked the caller.</summary>
    public const string PendingIncoming = "pending_incoming";

    /// <summary>The caller blocked them.</summary>
    public const string Blocked = "blocked";
}

internal sealed record ChangeDisplayNameRequest(string DisplayName);
