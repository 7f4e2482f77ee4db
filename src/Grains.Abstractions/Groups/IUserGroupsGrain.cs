using Orleans.Concurrency;
using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Grains.Groups;

/// <summary>
/// One per user (keyed by <see cref="GrainKeys.UserGroups"/>): the groups the user is or was in,
/// stored, with each group's list entry held in memory (asked of the groups on first use, then
/// kept current by their notes). It passes every group event on to the user's grain, which
/// numbers and publishes it, so a group calls one grain per member.
/// </summary>
[Alias("Social.IUserGroupsGrain")]
public interface IUserGroupsGrain : IGrainWithStringKey
{
    /// <summary>Records that the user is in <paramref name="groupId"/> (idempotent, stored before it returns).</summary>
    [Alias("Joined")]
    Task Joined(string groupId);

    /// <summary>A group of the user changed: updates the entry and passes <paramref name="userEvent"/> on to the user's grain.</summary>
    [OneWay]
    [Alias("OnGroupActivity")]
    Task OnGroupActivity(GroupActivity activity, UserEvent? userEvent);

    /// <summary>The user's groups, newest first; only those whose name contains <paramref name="search"/> when given.</summary>
    [Alias("List")]
    Task<GroupActivityPage> List(int limit, string? cursor, string? search);

    [Alias("GetUnread")]
    Task<UnreadSummary> GetUnread();
}
