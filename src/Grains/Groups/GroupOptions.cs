using System.ComponentModel.DataAnnotations;

namespace Social.Grains.Groups;

/// <summary>Group limits (configuration section <c>Social:Groups</c>).</summary>
public sealed class GroupOptions
{
    public const string Section = "Social:Groups";

    /// <summary>Members one group may have, its owner included.</summary>
    [Range(2, 100_000)]
    public int MaxMembers { get; set; } = 256;
}
