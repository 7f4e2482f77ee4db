using System.Globalization;

namespace Social.Grains;

/// <summary>
/// Grain keys for our grains, the only place they are made. Each carries a prefix so that
/// Orleans' ADO.NET storage never reads one as a number ("a" and "0a" would share a row): see
/// "Why keys carry a prefix" in docs/architecture.md.
/// </summary>
public static class GrainKeys
{
    private const string UserPrefix = "u/";
    private const string FriendshipPrefix = "f/";
    private const string LoginThrottlePrefix = "l/";
    private const string ConversationPrefix = "c/";
    private const string GroupPrefix = "g/";
    private const string UserGroupsPrefix = "ug/";
    private const string PresencePrefix = "p/";

    public static string User(string userId) => UserPrefix + userId;

    public static string Presence(string userId) => PresencePrefix + userId;

    public static string UserIdFromPresenceKey(string grainKey) =>
        grainKey.StartsWith(PresencePrefix, StringComparison.Ordinal)
            ? grainKey[PresencePrefix.Length..]
            : throw new ArgumentException($"'{grainKey}' is not a presence grain key.", nameof(grainKey));

    public static string Conversation(string conversationId) => ConversationPrefix + conversationId;

    public static string Group(string conversationId) => GroupPrefix + conversationId;

    public static string GroupIdFromKey(string grainKey) =>
        grainKey.StartsWith(GroupPrefix, StringComparison.Ordinal)
            ? grainKey[GroupPrefix.Length..]
            : throw new ArgumentException($"'{grainKey}' is not a group grain key.", nameof(grainKey));

    public static string UserGroups(string userId) => UserGroupsPrefix + userId;

    public static string UserIdFromUserGroupsKey(string grainKey) =>
        grainKey.StartsWith(UserGroupsPrefix, StringComparison.Ordinal)
            ? grainKey[UserGroupsPrefix.Length..]
            : throw new ArgumentException($"'{grainKey}' is not a user groups grain key.", nameof(grainKey));

    public static string ConversationIdFromKey(string grainKey) =>
        grainKey.StartsWith(ConversationPrefix, StringComparison.Ordinal)
            ? grainKey[ConversationPrefix.Length..]
            : throw new ArgumentException($"'{grainKey}' is not a conversation grain key.", nameof(grainKey));

    /// <summary>
    /// Login throttles are per username: the caller passes the name as the account directory
    /// normalizes it (<c>UserNames.Normalize</c>), so every spelling that reaches one account
    /// shares one allowance.
    /// </summary>
    public static string LoginThrottle(string normalizedUsername) => LoginThrottlePrefix + normalizedUsername;

    public static string UserIdFromKey(string grainKey) =>
        grainKey.StartsWith(UserPrefix, StringComparison.Ordinal)
            ? grainKey[UserPrefix.Length..]
            : throw new ArgumentException($"'{grainKey}' is not a user grain key.", nameof(grainKey));

    /// <summary>
    /// The key of the pair grain for two users: the same whichever order they are given in.
    /// The first id is length-prefixed so that no two pairs share a key whatever the ids hold.
    /// </summary>
    public static string Friendship(string userId, string otherUserId)
    {
        var (low, high) = Order(userId, otherUserId);
        return string.Create(CultureInfo.InvariantCulture, $"{FriendshipPrefix}{low.Length}:{low}{high}");
    }

    public static (string Low, string High) FriendshipPairFromKey(string grainKey)
    {
        if (!grainKey.StartsWith(FriendshipPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{grainKey}' is not a friendship grain key.", nameof(grainKey));
        }

        var rest = grainKey.AsSpan(FriendshipPrefix.Length);
        var colon = rest.IndexOf(':');
        var lowLength = int.Parse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture);
        var ids = rest[(colon + 1)..];
        return (ids[..lowLength].ToString(), ids[lowLength..].ToString());
    }

    public static (string Low, string High) Order(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
