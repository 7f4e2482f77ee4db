namespace Social.Grains.Messages;

/// <summary>A participant's position in a conversation: read up to, and last sent.</summary>
internal sealed class MemberCursor(long lastReadSeq, long lastOwnSeq)
{
    public long LastReadSeq { get; set; } = lastReadSeq;

    public long LastOwnSeq { get; set; } = lastOwnSeq;

    /// <summary>How far the member has read, counting their own sends (see <see cref="Unread"/>).</summary>
    public long EffectiveReadSeq => Unread.EffectiveReadSeq(LastReadSeq, LastOwnSeq);

    public int UnreadOf(long lastSeq) => Unread.Count(lastSeq, LastReadSeq, LastOwnSeq);

    /// <summary>
    /// Where marking read up to <paramref name="upToSeq"/> (everything when null) takes the read
    /// cursor: never past <paramref name="lastSeq"/>, the last committed message; null when that
    /// would not move it forward (a read cursor never goes back).
    /// </summary>
    public long? ReadTarget(long? upToSeq, long lastSeq)
    {
        var target = Math.Min(upToSeq ?? lastSeq, lastSeq);
        return target > LastReadSeq ? target : null;
    }
}
