using Social.Storage.Messages;

namespace Social.Grains.Messages;

/// <summary>
/// A message as a conversation's grain keeps it in memory: the contract's form, which is the same
/// object the members' events carry (so a recent message costs one copy, not one per place that
/// remembers it), and who has hidden it.
/// </summary>
internal sealed record HeldMessage(Message Message, bool HiddenBySender = false, bool HiddenByRecipient = false) : ISequencedMessage
{
    public long Seq => Message.Seq;

    public string SenderId => Message.SenderId;

    public string? ClientMessageId => Message.ClientMessageId;

    public static HeldMessage From(StoredMessage stored) =>
        new(MessageMapping.ToMessage(stored), stored.HiddenBySender, stored.HiddenByRecipient);

    public bool IsHiddenFor(string userId) =>
        StoredMessage.IsHidden(userId, Message.SenderId, Message.RecipientId, HiddenBySender, HiddenByRecipient);
}
