using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Social.Grains.Messages;

namespace Social.Grains.Users;

/// <summary>
/// A user's conversations with their last message and unread count, newest first. Held in
/// memory only: it is rebuilt from the stored messages and read cursors when the user grain
/// activates, and kept current by the conversation grains' activity notes, so a message costs
/// no user-state write.
/// </summary>
public sealed class ConversationIndex
{
    private readonly Dictionary<string, ConversationActivity> _entries = new(StringComparer.Ordinal);

    public void Apply(ConversationActivity activity)
    {
        // Notes may arrive out of order; a note never takes a conversation backwards.
        if (_entries.TryGetValue(activity.ConversationId, out var known)
            && (known.LastSeq > activity.LastSeq
                || (known.LastSeq == activity.LastSeq && known.LastReadSeq > activity.LastReadSeq)))
        {
            return;
        }

        _entries[activity.ConversationId] = activity;
    }

    public IReadOnlyList<string> PeerIds() => _entries.Values.Select(entry => entry.PeerId).Distinct(StringComparer.Ordinal).ToList();

    public UnreadSummary Unread()
    {
        var total = 0;
        var conversations = 0;
        foreach (var entry in _entries.Values)
        {
            var unread = entry.UnreadCount;
            total += unread;
            conversations += unread > 0 ? 1 : 0;
        }

        return new UnreadSummary(total, conversations);
    }

    /// <summary>Newest first, keyset-paged on (updatedAt, conversation id); optionally only with the given peers.</summary>
    public ConversationPage List(int limit, string? cursor, IReadOnlySet<string>? peers)
    {
        var after = DecodeCursor(cursor);
        var page = _entries.Values
            .Where(entry => entry.LastSeq > 0 && (peers is null || peers.Contains(entry.PeerId)))
            .OrderByDescending(entry => entry.UpdatedAt)
            .ThenBy(entry => entry.ConversationId, StringComparer.Ordinal)
            .Where(entry => after is null || IsAfter(entry, after.Value))
            .Take(limit + 1)
            .ToList();

        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            var last = page[^1];
            next = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{last.UpdatedAt.UtcTicks}:{last.ConversationId}")));
        }

        return new ConversationPage(page, next);
    }

    private static bool IsAfter(ConversationActivity entry, (long Ticks, string Id) cursor)
    {
        var ticks = entry.UpdatedAt.UtcTicks;
        return ticks < cursor.Ticks || (ticks == cursor.Ticks && string.CompareOrdinal(entry.ConversationId, cursor.Id) > 0);
    }

    private static (long Ticks, string Id)? DecodeCursor(string? cursor) =>
        RelationshipIndex.DecodeCursor(cursor);
}
