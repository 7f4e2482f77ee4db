using Social.Grains.Messages;
using Social.Storage.Messages;

namespace Social.Grains.Messages;

internal static class MessageMapping
{
    public static Message ToMessage(StoredMessage stored) => new(
        ConversationIds.MessageId(stored.ConversationId, stored.Seq),
        stored.ConversationId,
        stored.Seq,
        stored.SenderId,
        stored.RecipientId,
        stored.Content,
        stored.CreatedAt,
        stored.IsGreeting,
        stored.ClientMessageId);
}
