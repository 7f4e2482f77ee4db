namespace Social.Grains.Groups;

/// <summary>The groups a user is or was in. Stored as JSON without type names: member names are the storage contract.</summary>
[GenerateSerializer, Alias("Social.UserGroupsState")]
public sealed class UserGroupsState
{
    [Id(0)]
    public HashSet<string> GroupIds { get; set; } = new(StringComparer.Ordinal);
}
