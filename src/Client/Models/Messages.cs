namespace Social.Client;

/// <summary>
/// A stored message. <see cref="Seq"/> counts 1, 2, 3 … per conversation with no gaps. In a group
/// <see cref="RecipientId"/> is the group's conversation id, and a system message (a membership
/// change) has <see cref="System"/>.
/// </summary>
/// <param name="MessageId">The message's id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="Seq">Its place in the conversation.</param>
/// <param name="SenderId">Who wrote it.</param>
/// <param name="RecipientId">To whom.</param>
/// <param name="Content">The text (at most 2,000 code points).</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="IsGreeting">A PRO greeting to a non-friend.</param>
/// <param name="ClientMessageId">The sender's idempotency key, when it gave one.</param>
/// <param name="System">On a group's system message only: what changed (the content is a plain-text fallback).</param>
public sealed record Message(
    string MessageId,
    string ConversationId,
    long Seq,
    string SenderId,
    string RecipientId,
    string Content,
    DateTimeOffset CreatedAt,
    bool IsGreeting,
    string? ClientMessageId,
    GroupChange? System = null);

/// <summary>What <c>POST /api/messages/send</c> and the hub's <c>SendMessage</c> take.</summary>
/// <param name="RecipientId">A friend's user id.</param>
/// <param name="Content">The text.</param>
/// <param name="ClientMessageId">An idempotency key: a retry with it stores nothing new.</param>
public sealed record SendMessageRequest(string RecipientId, string Content, string? ClientMessageId = null);

/// <summary>What <c>POST /api/messages/greeting</c> takes.</summary>
/// <param name="RecipientId">Anyone not blocked and not a friend.</param>
/// <param name="Content">The text.</param>
public sealed record GreetingRequest(string RecipientId, string Content);

/// <summary>What <c>POST /api/messages/mark-read</c> and the hub's <c>MarkRead</c> take.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UpToSeq">The newest message read, or null for all.</param>
public sealed record MarkReadRequest(string ConversationId, long? UpToSeq = null);

/// <summary>What <c>POST /api/messages/hide</c> takes.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="MessageId">The message to hide from the caller's view.</param>
public sealed record HideRequest(string ConversationId, string MessageId);

/// <summary>A page of a conversation, oldest first.</summary>
/// <param name="Items">The messages.</param>
/// <param name="HasMore">More in the direction asked (older for <c>beforeSeq</c>, newer for <c>afterSeq</c>).</param>
/// <param name="ReadBy">How far each participant has read (a project addition; may be empty).</param>
public sealed record MessagePage(IReadOnlyList<Message> Items, bool HasMore, IReadOnlyList<ReadCursor>? ReadBy = null);

/// <summary>How far one participant has read.</summary>
/// <param name="UserId">The participant.</param>
/// <param name="LastReadSeq">Every message up to this one is read.</param>
public sealed record ReadCursor(string UserId, long LastReadSeq);

/// <summary>The caller's read position after <c>mark-read</c>.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="LastReadSeq">Read up to here.</param>
/// <param name="UnreadCount">What is left unread.</param>
public sealed record ReadState(string ConversationId, long LastReadSeq, int UnreadCount);

/// <summary>The other participant of a direct conversation.</summary>
/// <param name="UserId">Their id.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
public sealed record Peer(string UserId, string Username, string DisplayName);

/// <summary>One row of the conversation list: a direct conversation (<see cref="Peer"/>) or a group (<see cref="Group"/>).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Peer">The other participant; null for a group.</param>
/// <param name="LastMessage">The newest message.</param>
/// <param name="UnreadCount">Unread by the caller.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Kind">One of <see cref="ConversationKinds"/>.</param>
/// <param name="Group">For a group: its name, size and whether the caller is still a member.</param>
public sealed record Conversation(
    string ConversationId,
    Peer? Peer,
    Message? LastMessage,
    int UnreadCount,
    DateTimeOffset UpdatedAt,
    string Kind = ConversationKinds.Direct,
    GroupSummary? Group = null);

/// <summary>A page of conversations, most recent first.</summary>
/// <param name="Items">The rows.</param>
/// <param name="NextCursor">The next page's cursor, or null on the last page.</param>
public sealed record ConversationPage(IReadOnlyList<Conversation> Items, string? NextCursor);

/// <summary>The id of the direct conversation with a user.</summary>
/// <param name="ConversationId">The conversation.</param>
public sealed record ConversationRef(string ConversationId);

/// <summary>The navbar badge: unread messages, and in how many conversations.</summary>
/// <param name="TotalUnread">Unread messages.</param>
/// <param name="Conversations">Conversations with unread messages.</param>
public sealed record UnreadSummary(int TotalUnread, int Conversations);
