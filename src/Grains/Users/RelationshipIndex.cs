using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Social.Grains.Friends;

namespace Social.Grains.Users;

/// <summary>
/// Queries over a user's peer entries: counting friends and paging a list newest first with a
/// keyset cursor (since, peer id), so pages stay stable while the list changes.
/// </summary>
public static class RelationshipIndex
{
    public static int CountFriends(IReadOnlyDictionary<string, PeerEntry> peers) =>
        peers.Values.Count(entry => entry.Status == PeerStatus.Friends);

    public static RelationshipPage List(
        IReadOnlyDictionary<string, PeerEntry> peers, RelationshipFilter filter, int limit, string? cursor)
    {
        var after = DecodeCursor(cursor);
        var page = peers
            .Where(pair => Matches(pair.Value, filter))
            .Select(pair => new RelationshipEntry(pair.Key, pair.Value.ToView()))
            .OrderByDescending(entry => entry.View.Since)
            .ThenBy(entry => entry.PeerId, StringComparer.Ordinal)
            .Where(entry => after is null || IsAfter(entry, after.Value))
            .Take(limit + 1)
            .ToList();

        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            next = EncodeCursor(page[^1]);
        }

        return new RelationshipPage(page, next);
    }

    private static bool Matches(PeerEntry entry, RelationshipFilter filter) => filter switch
    {
        RelationshipFilter.Accepted => entry.Status == PeerStatus.Friends,
        RelationshipFilter.Pending => entry.Status is PeerStatus.PendingIncoming or PeerStatus.PendingOutgoing,
        RelationshipFilter.Blocked => entry.IBlocked,
        _ => false,
    };

    private static bool IsAfter(RelationshipEntry entry, (long Ticks, string PeerId) cursor)
    {
        var ticks = entry.View.Since.UtcTicks;
        return ticks < cursor.Ticks
            || (ticks == cursor.Ticks && string.CompareOrdinal(entry.PeerId, cursor.PeerId) > 0);
    }

    private static string EncodeCursor(RelationshipEntry last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{last.View.Since.UtcTicks}:{last.PeerId}")));

    /// <summary>Reads a cursor; throws <see cref="FormatException"/> for one we did not make.</summary>
    public static (long Ticks, string PeerId)? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new FormatException("The cursor is not valid.");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            throw new FormatException("The cursor is not valid.");
        }

        return (ticks, text[(colon + 1)..]);
    }
}
