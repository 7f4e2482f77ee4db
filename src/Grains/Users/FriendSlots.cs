using Social.Grains.Friends;

namespace Social.Grains.Users;

/// <summary>
/// The friend limit under concurrent accepts. An accept holds a slot on both users before the
/// pair decides, so friends plus held slots never pass the limit, however many accepts run at
/// once on other pairs. Holds are in memory on purpose: one lives for the span of one pair
/// operation, expires by itself, and a lost one only frees capacity early.
/// </summary>
public sealed class FriendSlots(TimeProvider time)
{
    /// <summary>Long enough to outlive any pair operation, short enough that a lost hold frees itself.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(60);

    // Peer id → when the hold expires.
    private readonly Dictionary<string, DateTimeOffset> _holds = new(StringComparer.Ordinal);

    /// <summary>True when friends plus other holds leave no slot for <paramref name="peerId"/>.</summary>
    public bool IsFull(IReadOnlyDictionary<string, PeerEntry> peers, string peerId, int limit) =>
        Taken(peers, exceptPeer: peerId) >= limit;

    /// <summary>Holds a slot for <paramref name="peerId"/>; true also when the two are already friends.</summary>
    public bool TryReserve(IReadOnlyDictionary<string, PeerEntry> peers, string peerId, int limit)
    {
        if (IsFriend(peers, peerId))
        {
            return true;
        }

        if (IsFull(peers, peerId, limit))
        {
            return false;
        }

        _holds[peerId] = time.GetUtcNow() + Hold;
        return true;
    }

    public void Release(string peerId) => _holds.Remove(peerId);

    /// <summary>Friends plus unexpired holds, not counting <paramref name="exceptPeer"/>'s hold.</summary>
    public int Taken(IReadOnlyDictionary<string, PeerEntry> peers, string exceptPeer)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _holds.Where(hold => hold.Value <= now).Select(hold => hold.Key).ToList())
        {
            _holds.Remove(expired);
        }

        var holds = _holds.Keys.Count(peer => peer != exceptPeer && !IsFriend(peers, peer));
        return RelationshipIndex.CountFriends(peers) + holds;
    }

    private static bool IsFriend(IReadOnlyDictionary<string, PeerEntry> peers, string peerId) =>
        peers.TryGetValue(peerId, out var entry) && entry.Status == PeerStatus.Friends;
}
