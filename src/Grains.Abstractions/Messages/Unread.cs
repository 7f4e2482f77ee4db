namespace Social.Grains.Messages;

/// <summary>
/// The unread rule: a member has read everything up to their read cursor, and sending counts as
/// having read everything before one's own message. Unread is what comes after that.
/// </summary>
public static class Unread
{
    public static long EffectiveReadSeq(long lastReadSeq, long lastOwnSeq) => Math.Max(lastReadSeq, lastOwnSeq);

    public static int Count(long lastSeq, long lastReadSeq, long lastOwnSeq) =>
        (int)Math.Max(0, lastSeq - EffectiveReadSeq(lastReadSeq, lastOwnSeq));
}
