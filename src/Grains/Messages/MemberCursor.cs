namespace Social.Grains.Messages;

/// <summary>A participant's position in a conversation: read up to, and last sent.</summary>
internal sealed class MemberCursor(long lastReadSeq, long lastOwnSeq)
{
    public long LastReadSeq { get; set; } = lastReadSeq;

    public long LastOwnSeq { get; set; } = lastOwnSeq;

    /// <summary>Sending counts as having read everything before one's own message.</summary>
    public long EffectiveReadSeq => Math.Max(LastReadSeq, LastOwnSeq);
}
