namespace Social.Grains.Groups;

/// <summary>A member's role. Clients see it as <c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
[GenerateSerializer, Alias("Social.GroupRole")]
public enum GroupRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}

public static class GroupRoles
{
    public static string Name(GroupRole role) => role switch
    {
        GroupRole.Owner => "owner",
        GroupRole.Admin => "admin",
        _ => "member",
    };

    public static bool TryParse(string? name, out GroupRole role)
    {
        role = name switch
        {
            "admin" => GroupRole.Admin,
            "member" => GroupRole.Member,
            _ => (GroupRole)(-1),
        };
        return role is GroupRole.Admin or GroupRole.Member;
    }
}
