namespace Social.Grains.Messages;

/// <summary>A participant's position in a conversation: read up to, and last sent.</summary>
internal sealed class MemberCursor(long lastReadSeq, long lastOwnSeq)
{
    public long LastReadSeq { get; set; } = lastReadSeq;

    public long LastOwnSeq { get; set; } = lastOwnSeq;

    /// <summary>How far the member has read, counting their own sends (see <see cref="Unread"/>).</summary>
    public long EffectiveReadSeq => Unread.EffectiveReadSeq(LastReadSeq, LastOwnSeq);

    public int UnreadOf(long lastSeq) => Unread.Count(lastSeq, LastReadSeq, LastOwnSeq);
}
