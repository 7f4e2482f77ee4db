using System.Security.Cryptography;
using System.Text;

namespace Social.Grains.Messages;

/// <summary>Conversation ids. Clients treat them as opaque; only this class makes or reads them.</summary>
public static class ConversationIds
{
    private const string DirectPrefix = "dm_";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// The direct conversation of two users: the same whichever order they are given in, and
    /// short (user ids may be 100 characters each), so it is a hash of the ordered pair.
    /// </summary>
    public static string Direct(string userId, string otherUserId)
    {
        var (low, high) = GrainKeys.Order(userId, otherUserId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{low.Length}:{low}{high}"));
        return DirectPrefix + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>True for ids this class could have made (checked before a grain is activated for it).</summary>
    public static bool IsWellFormed(string? conversationId) =>
        conversationId is { Length: 35 }
        && conversationId.StartsWith(DirectPrefix, StringComparison.Ordinal)
        && conversationId.AsSpan(DirectPrefix.Length).ContainsAnyExcept(LowerHex) is false;

    /// <summary>A message id: its conversation and its seq, so it can be found without an index.</summary>
    public static string MessageId(string conversationId, long seq) => $"{conversationId}-{seq}";

    /// <summary>Reads a message id made by <see cref="MessageId"/> for the given conversation.</summary>
    public static bool TryReadSeq(string conversationId, string messageId, out long seq)
    {
        seq = 0;
        return messageId.Length > conversationId.Length + 1
            && messageId.StartsWith(conversationId, StringComparison.Ordinal)
            && messageId[conversationId.Length] == '-'
            && long.TryParse(messageId.AsSpan(conversationId.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seq)
            && seq > 0;
    }
}
