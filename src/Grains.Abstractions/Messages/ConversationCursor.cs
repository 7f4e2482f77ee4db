using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Social.Grains.Messages;

/// <summary>
/// The conversation list's keyset cursor, (updatedAt, conversation id), as the user's index
/// writes it: the front uses it to page a list merged from direct conversations and groups.
/// </summary>
public static class ConversationCursor
{
    public static string Encode(DateTimeOffset updatedAt, string conversationId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{updatedAt.UtcTicks}:{conversationId}")));
}
