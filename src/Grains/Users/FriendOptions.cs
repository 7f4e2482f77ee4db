using System.ComponentModel.DataAnnotations;

namespace Social.Grains.Users;

/// <summary>Friend limits per plan (configuration section <c>Social:Friends</c>).</summary>
public sealed class FriendOptions
{
    public const string Section = "Social:Friends";

    [Range(1, 1_000_000)]
    public int FreeFriendLimit { get; set; } = 500;

    [Range(1, 1_000_000)]
    public int ProFriendLimit { get; set; } = 2000;

    public int LimitFor(Plan plan) => plan == Plan.Pro ? ProFriendLimit : FreeFriendLimit;
}
