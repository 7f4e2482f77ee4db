using Social.Grains;
using Social.Grains.Presence;

namespace Social.WebFront.Presence;

/// <summary>A friend's presence as REST and <c>presence_changed</c> show it (docs/api.md).</summary>
public sealed record FriendPresence(string Status, DateTimeOffset? LastSeenAt)
{
    public static FriendPresence Unknown { get; } = From(PresenceView.Unknown);

    public static FriendPresence From(PresenceView view) => new(view.ContractStatus, view.LastSeenAt);

    /// <summary>
    /// The presence of <paramref name="friendIds"/> as <paramref name="viewerId"/> may see it:
    /// <c>unknown</c> for all when the viewer hides their own.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, FriendPresence>> OfFriendsAsync(
        IGrainFactory grains, string viewerId, IReadOnlyList<string> friendIds)
    {
        var viewerHides = friendIds.Count > 0 && (await grains.GetPresence(viewerId).GetOwn()).Hidden;
        var views = viewerHides
            ? friendIds.Select(_ => PresenceView.Unknown).ToArray()
            : await Task.WhenAll(friendIds.Select(id => grains.GetPresence(id).GetShared()));
        var result = new Dictionary<string, FriendPresence>(friendIds.Count, StringComparer.Ordinal);
        for (var i = 0; i < friendIds.Count; i++)
        {
            result[friendIds[i]] = From(views[i]);
        }

        return result;
    }
}
