namespace Social.Grains.Friends;

/// <summary>
/// Who sees whom. Someone who blocked the caller does not exist as far as the caller can tell:
/// their profile reads as "no such user", and no conversation with them can be looked up. Search
/// hides both sides of a block (and the caller). A blocker still sees the user they blocked, as
/// "blocked", so that they can unblock.
/// </summary>
public static class Visibility
{
    /// <summary>True when the profile of a peer the caller relates to as <paramref name="view"/> must read as not found.</summary>
    public static bool IsHidden(PeerView view) => view.ContractRelationship is null;

    /// <summary>The users a search by <paramref name="callerId"/> leaves out: the caller and both sides of the caller's blocks.</summary>
    public static IReadOnlySet<string> HiddenFromSearch(string callerId, IEnumerable<string> blockedEitherWay) =>
        new HashSet<string>(blockedEitherWay, StringComparer.Ordinal) { callerId };

    /// <summary>The contract's relationship value as shown in search results, which never hold a hidden user.</summary>
    public static string SearchRelationship(PeerView view) => view.ContractRelationship ?? "none";
}
