namespace Social.Grains.Messages;

/// <summary>
/// What a conversation grain tells a member's user grain after a change: enough for the user's
/// conversation index (last message, unread count) without any storage write.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.ConversationActivity")]
public sealed record ConversationActivity(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string PeerId,
    [property: Id(2)] long LastSeq,
    [property: Id(3)] long LastReadSeq,
    [property: Id(4)] long LastOwnSeq,
    [property: Id(5)] Message? LastMessage,
    [property: Id(6)] DateTimeOffset UpdatedAt)
{
    /// <summary>Messages the user has not read (see <see cref="Unread"/>).</summary>
    public int UnreadCount => Unread.Count(LastSeq, LastReadSeq, LastOwnSeq);
}

[GenerateSerializer, Immutable, Alias("Social.ConversationPage")]
public sealed record ConversationPage(
    [property: Id(0)] IReadOnlyList<ConversationActivity> Items,
    [property: Id(1)] string? NextCursor);

[GenerateSerializer, Immutable, Alias("Social.UnreadSummary")]
public sealed record UnreadSummary(
    [property: Id(0)] int TotalUnread,
    [property: Id(1)] int Conversations);
