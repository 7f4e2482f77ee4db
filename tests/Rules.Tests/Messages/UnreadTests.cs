using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class UnreadTests
{
    [Theory]
    [InlineData(10, 0, 0, 10)]
    [InlineData(10, 4, 0, 6)]
    [InlineData(10, 4, 7, 3)] // sending counts as reading what came before
    [InlineData(10, 7, 4, 3)]
    [InlineData(10, 10, 0, 0)]
    [InlineData(10, 0, 10, 0)]
    [InlineData(5, 9, 0, 0)] // never negative
    public void Unread_is_what_follows_the_read_cursor_or_ones_own_last_message(long lastSeq, long lastRead, long lastOwn, int expected) =>
        Assert.Equal(expected, Unread.Count(lastSeq, lastRead, lastOwn));

    [Fact]
    public void A_conversation_note_and_a_member_cursor_count_the_same()
    {
        var activity = new ConversationActivity("c", "peer", LastSeq: 12, LastReadSeq: 3, LastOwnSeq: 8, LastMessage: null, DateTimeOffset.UnixEpoch);
        var cursor = new MemberCursor(lastReadSeq: 3, lastOwnSeq: 8);

        Assert.Equal(4, activity.UnreadCount);
        Assert.Equal(activity.UnreadCount, cursor.UnreadOf(12));
        Assert.Equal(8, cursor.EffectiveReadSeq);
    }
}
