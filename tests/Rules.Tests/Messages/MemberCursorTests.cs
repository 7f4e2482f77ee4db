using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class MemberCursorTests
{
    [Fact]
    public void Marking_everything_read_goes_to_the_last_committed_message()
    {
        Assert.Equal(9, new MemberCursor(2, 0).ReadTarget(upToSeq: null, lastSeq: 9));
    }

    [Fact]
    public void A_read_cursor_never_passes_the_last_committed_message()
    {
        Assert.Equal(9, new MemberCursor(2, 0).ReadTarget(upToSeq: 50, lastSeq: 9));
    }

    [Theory]
    [InlineData(5L)]
    [InlineData(3L)]
    [InlineData(0L)]
    public void A_read_cursor_never_goes_back_or_stays_put(long upToSeq)
    {
        Assert.Null(new MemberCursor(5, 0).ReadTarget(upToSeq, lastSeq: 9));
    }

    [Fact]
    public void Own_messages_count_as_read_but_do_not_move_the_stored_cursor()
    {
        var cursor = new MemberCursor(lastReadSeq: 2, lastOwnSeq: 7);

        Assert.Equal(7, cursor.EffectiveReadSeq);
        Assert.Equal(4, cursor.ReadTarget(upToSeq: 4, lastSeq: 9));
    }
}
