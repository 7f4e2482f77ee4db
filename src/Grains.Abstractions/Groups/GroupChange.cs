namespace Social.Grains.Groups;

/// <summary>
/// What a system message records: a membership, role or name change, in the group's seq order.
/// <see cref="Type"/> is one of <see cref="GroupChangeTypes"/>; <see cref="UserIds"/> are the
/// members it is about; <see cref="Name"/> is set for <c>created</c> and <c>renamed</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.GroupChange")]
public sealed record GroupChange(
    [property: Id(0)] string Type,
    [property: Id(1)] string ActorId,
    [property: Id(2)] IReadOnlyList<string> UserIds,
    [property: Id(3)] string? Name = null,
    [property: Id(4)] string? Role = null);

/// <summary>The kinds of <see cref="GroupChange"/>, as clients see them.</summary>
public static class GroupChangeTypes
{
    public const string Created = "created";
    public const string MemberAdded = "member_added";
    public const string MemberRemoved = "member_removed";
    public const string MemberLeft = "member_left";
    public const string Renamed = "renamed";
    public const string RoleChanged = "role_changed";
    public const string OwnerChanged = "owner_changed";
}
