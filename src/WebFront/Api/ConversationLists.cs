using Social.Grains.Groups;
using Social.Grains.Messages;

namespace Social.WebFront.Api;

/// <summary>A group's part of a conversation list entry.</summary>
public sealed record GroupSummaryResponse(string Name, int MemberCount, bool IsMember);

/// <summary>
/// The conversation list is two indexes, direct conversations (the user grain) and groups (the
/// user's groups grain), paged with one keyset cursor, (updatedAt, conversation id): each
/// answers its first <c>limit</c> after the cursor, and the merged first <c>limit</c> are the list's.
/// </summary>
public static class ConversationLists
{
    public static ConversationListResponse Merge(
        IReadOnlyList<ConversationResponse> direct, string? directNext, GroupActivityPage groups, int limit)
    {
        var merged = direct
            .Concat(groups.Items.Select(ToResponse))
            .OrderByDescending(item => item.UpdatedAt)
            .ThenBy(item => item.ConversationId, StringComparer.Ordinal)
            .ToList();
        var more = directNext is not null || groups.NextCursor is not null || merged.Count > limit;
        var items = merged.Take(limit).ToList();
        var next = more && items.Count > 0 ? ConversationCursor.Encode(items[^1].UpdatedAt, items[^1].ConversationId) : null;
        return new ConversationListResponse(items, next);
    }

    private static ConversationResponse ToResponse(GroupActivity entry) => new(
        entry.Activity.ConversationId,
        Peer: null,
        entry.Activity.LastMessage,
        entry.Activity.UnreadCount,
        entry.Activity.UpdatedAt,
        Kind: "group",
        new GroupSummaryResponse(entry.Name, entry.MemberCount, entry.IsMember));
}
