namespace Social.Client;

/// <summary>A group conversation (docs/api.md, "Groups"); its id is a conversation id.</summary>
/// <param name="ConversationId">The group's conversation id.</param>
/// <param name="Name">Its name (1–100 characters).</param>
/// <param name="OwnerId">The owner.</param>
/// <param name="Members">The members, oldest first, the owner included.</param>
/// <param name="LastSeq">The seq of its newest message (system messages included).</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Group(string ConversationId, string Name, string OwnerId, IReadOnlyList<GroupMember> Members, long LastSeq, DateTimeOffset CreatedAt);

/// <summary>One member of a <see cref="Group"/>.</summary>
/// <param name="UserId">The member.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="Role">One of <see cref="GroupRoles"/>.</param>
/// <param name="JoinedSeq">The seq of the message that added them.</param>
/// <param name="LastReadSeq">How far they have read.</param>
public sealed record GroupMember(string UserId, string Username, string DisplayName, string Role, long JoinedSeq, long LastReadSeq);

/// <summary>
/// What a group's system message is about (<see cref="Message.System"/>): <see cref="ActorId"/>
/// did <see cref="Type"/> to <see cref="UserIds"/>.
/// </summary>
/// <param name="Type">One of <see cref="GroupChangeTypes"/>.</param>
/// <param name="ActorId">Who did it.</param>
/// <param name="UserIds">The members it is about.</param>
/// <param name="Name">The new name, for <c>created</c> and <c>renamed</c>.</param>
/// <param name="Role">The new role, for <c>role_changed</c>.</param>
public sealed record GroupChange(string Type, string ActorId, IReadOnlyList<string> UserIds, string? Name = null, string? Role = null);

/// <summary>A group's part of a conversation list row (<see cref="Conversation.Group"/>).</summary>
/// <param name="Name">The group's name.</param>
/// <param name="MemberCount">How many members it has.</param>
/// <param name="IsMember">False once the user left or was removed (the row stays as it was then).</param>
public sealed record GroupSummary(string Name, int MemberCount, bool IsMember);

/// <summary>The payload of <c>group_read</c>: read cursors that moved in a group.</summary>
/// <param name="ConversationId">The group.</param>
/// <param name="Readers">The members whose cursors moved.</param>
public sealed record GroupReadNotice(string ConversationId, IReadOnlyList<ReadCursor> Readers);

/// <summary>The values of <see cref="GroupMember.Role"/>.</summary>
public static class GroupRoles
{
    /// <summary>The owner (one per group).</summary>
    public const string Owner = "owner";

    /// <summary>An admin: renames, adds and removes plain members, promotes.</summary>
    public const string Admin = "admin";

    /// <summary>A plain member.</summary>
    public const string Member = "member";
}

/// <summary>The values of <see cref="GroupChange.Type"/>.</summary>
public static class GroupChangeTypes
{
    /// <summary>The group was created (seq 1).</summary>
    public const string Created = "created";

    /// <summary>Members were added.</summary>
    public const string MemberAdded = "member_added";

    /// <summary>A member was removed.</summary>
    public const string MemberRemoved = "member_removed";

    /// <summary>A member left.</summary>
    public const string MemberLeft = "member_left";

    /// <summary>The group was renamed.</summary>
    public const string Renamed = "renamed";

    /// <summary>A member's role changed.</summary>
    public const string RoleChanged = "role_changed";

    /// <summary>Another member became the owner.</summary>
    public const string OwnerChanged = "owner_changed";
}

/// <summary>The values of <see cref="Conversation.Kind"/>.</summary>
public static class ConversationKinds
{
    /// <summary>A conversation between two users.</summary>
    public const string Direct = "direct";

    /// <summary>A group.</summary>
    public const string Group = "group";
}

internal sealed record CreateGroupRequest(string Name, IReadOnlyList<string> MemberIds);

internal sealed record RenameGroupRequest(string Name);

internal sealed record GroupUserRequest(string UserId);

internal sealed record SetRoleRequest(string Role);

internal sealed record GroupSendRequest(string Content, string? ClientMessageId);

internal sealed record GroupMarkReadRequest(long? UpToSeq);

internal sealed record GroupHideRequest(string MessageId);

internal sealed record GroupHubSendRequest(string ConversationId, string Content, string? ClientMessageId);

internal sealed record GroupHubReadRequest(string ConversationId, long? UpToSeq);
