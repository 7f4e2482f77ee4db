using Social.Grains.Messages;
using Social.Grains.Realtime;
using Social.Grains.Users;

namespace Social.Grains.Groups;

/// <summary>
/// A user's groups: which ones (stored, written only on a join), and each one's list entry, in
/// memory: asked of the groups on first use after activation, then kept current by their notes,
/// so a group message costs no write here. Every event a note carries goes on to the user's
/// grain, which numbers and publishes it (the delivery guarantee of docs/api.md).
/// </summary>
public sealed class UserGroupsGrain(
    [PersistentState("groups", SocialNames.GrainStorage)] IPersistentState<UserGroupsState> state) : Grain, IUserGroupsGrain
{
    private Dictionary<string, GroupActivity>? _entries;
    private IUserGrain? _user;
    private string _userId = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _userId = GrainKeys.UserIdFromUserGroupsKey(this.GetPrimaryKeyString());
        _user = GrainFactory.GetUser(_userId);
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task Joined(string groupId)
    {
        if (state.State.GroupIds.Add(groupId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task OnGroupActivity(GroupActivity activity, UserEvent? userEvent)
    {
        if (userEvent is not null)
        {
            _ = _user!.DeliverEvent(userEvent);
        }

        // A note from a group this list lacks (its join was not recorded) records it.
        await Joined(activity.Activity.ConversationId);
        if (_entries is not null)
        {
            Apply(_entries, activity);
        }
    }

    public async Task<GroupActivityPage> List(int limit, string? cursor, string? search)
    {
        var entries = await Entries();
        var after = RelationshipIndex.DecodeCursor(cursor);
        var page = entries.Values
            .Where(entry => entry.Activity.LastSeq > 0)
            .Where(entry => string.IsNullOrWhiteSpace(search) || entry.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(entry => entry.Activity.UpdatedAt)
            .ThenBy(entry => entry.Activity.ConversationId, StringComparer.Ordinal)
            .Where(entry => after is null || IsAfter(entry.Activity, after.Value))
            .Take(limit + 1)
            .ToList();

        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            next = ConversationCursor.Encode(page[^1].Activity.UpdatedAt, page[^1].Activity.ConversationId);
        }

        return new GroupActivityPage(page, next);
    }

    public async Task<UnreadSummary> GetUnread()
    {
        var entries = await Entries();
        var unread = entries.Values.Select(entry => entry.Activity.UnreadCount).Where(count => count > 0).ToList();
        return new UnreadSummary(unread.Sum(), unread.Count);
    }

    /// <summary>Notes may arrive out of order; a note never takes an entry backwards.</summary>
    private static void Apply(Dictionary<string, GroupActivity> entries, GroupActivity activity)
    {
        var id = activity.Activity.ConversationId;
        if (entries.TryGetValue(id, out var known)
            && (known.Activity.LastSeq > activity.Activity.LastSeq
                || (known.Activity.LastSeq == activity.Activity.LastSeq && known.Activity.LastReadSeq > activity.Activity.LastReadSeq)))
        {
            return;
        }

        entries[id] = activity;
    }

    private static bool IsAfter(ConversationActivity entry, (long Ticks, string Id) cursor)
    {
        var ticks = entry.UpdatedAt.UtcTicks;
        return ticks < cursor.Ticks || (ticks == cursor.Ticks && string.CompareOrdinal(entry.ConversationId, cursor.Id) > 0);
    }

    private async Task<Dictionary<string, GroupActivity>> Entries()
    {
        if (_entries is not null)
        {
            return _entries;
        }

        var activities = await Task.WhenAll(state.State.GroupIds.Select(groupId => GrainFactory.GetGroup(groupId).GetActivity(_userId)));
        var entries = new Dictionary<string, GroupActivity>(StringComparer.Ordinal);
        foreach (var activity in activities.OfType<GroupActivity>())
        {
            Apply(entries, activity);
        }

        _entries = entries;
        return entries;
    }
}
