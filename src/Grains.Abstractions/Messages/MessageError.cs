namespace Social.Grains.Messages;

/// <summary>Why a messaging operation was refused; the front maps each to the contract's code.</summary>
[GenerateSerializer, Alias("Social.MessageError")]
public enum MessageError
{
    None = 0,
    EmptyMessage,
    MessageTooLong,
    NotFriends,
    Blocked,
    RateLimited,
    ProRequired,
    GreetingAlreadySent,
    AlreadyFriends,
    ConversationNotFound,
    MessageNotFound,
    InvalidRecipient,
    InvalidContent,
}
