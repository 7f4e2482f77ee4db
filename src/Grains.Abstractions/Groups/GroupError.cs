namespace Social.Grains.Groups;

/// <summary>Why a group operation was refused; the front maps each to a code (docs/api.md, "Groups").</summary>
[GenerateSerializer, Alias("Social.GroupError")]
public enum GroupError
{
    None = 0,

    /// <summary>No such group, or the caller is not (or no longer) a member.</summary>
    GroupNotFound,

    /// <summary>The caller's role does not allow it.</summary>
    NotGroupAdmin,

    /// <summary>The target is not the adder's friend.</summary>
    NotFriends,

    /// <summary>The target and the adder are on either side of a block.</summary>
    Blocked,

    AlreadyMember,
    NotMember,
    GroupFull,
    InvalidName,

    /// <summary>Ownership, the owner's role, or one's own membership cannot be changed that way.</summary>
    InvalidTarget,

    /// <summary>The group id was taken by another creation.</summary>
    GroupExists,
}
