namespace Social.Storage.Messages;

/// <summary>
/// What every form of a conversation's message has, stored or held in a grain's memory: its
/// place in the conversation, its sender and the sender's client id, and who has hidden it.
/// </summary>
public interface ISequencedMessage
{
    long Seq { get; }

    string SenderId { get; }

    string? ClientMessageId { get; }

    bool IsHiddenFor(string userId);
}
