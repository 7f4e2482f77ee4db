using Social.Grains.Messages;
using Social.Grains.Users;

namespace Social.Rules.Tests.Users;

public sealed class ConversationIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ConversationActivity Note(string id, string peer, long lastSeq, long lastRead = 0, long lastOwn = 0, int minute = 0) =>
        new(id, peer, lastSeq, lastRead, lastOwn, LastMessage: null, Start.AddMinutes(minute));

    [Fact]
    public void A_late_note_never_takes_a_conversation_backwards()
    {
        var index = new ConversationIndex();
        index.Apply(Note("c1", "bob", lastSeq: 5, lastRead: 2, minute: 5));
        index.Apply(Note("c1", "bob", lastSeq: 4, lastRead: 4, minute: 4));
        index.Apply(Note("c1", "bob", lastSeq: 5, lastRead: 1, minute: 5));

        Assert.Equal(new UnreadSummary(3, 1), index.Unread());

        index.Apply(Note("c1", "bob", lastSeq: 5, lastRead: 5, minute: 5));
        Assert.Equal(new UnreadSummary(0, 0), index.Unread());
    }

    [Fact]
    public void Unread_adds_up_over_conversations()
    {
        var index = new ConversationIndex();
        index.Apply(Note("c1", "bob", lastSeq: 5, lastRead: 2));
        index.Apply(Note("c2", "carol", lastSeq: 9, lastOwn: 8));
        index.Apply(Note("c3", "dave", lastSeq: 3, lastRead: 3));

        Assert.Equal(new UnreadSummary(4, 2), index.Unread());
    }

    [Fact]
    public void The_list_is_newest_first_paged_and_skips_empty_conversations()
    {
        var index = new ConversationIndex();
        index.Apply(Note("c1", "bob", lastSeq: 1, minute: 1));
        index.Apply(Note("c2", "carol", lastSeq: 1, minute: 3));
        index.Apply(Note("c3", "dave", lastSeq: 1, minute: 2));
        index.Apply(Note("c4", "erin", lastSeq: 0, minute: 9));

        var first = index.List(limit: 2, cursor: null, peers: null);
        var second = index.List(limit: 2, cursor: first.NextCursor, peers: null);

        Assert.Equal(["c2", "c3"], first.Items.Select(item => item.ConversationId));
        Assert.Equal(["c1"], second.Items.Select(item => item.ConversationId));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public void The_list_can_be_narrowed_to_some_peers()
    {
        var index = new ConversationIndex();
        index.Apply(Note("c1", "bob", lastSeq: 1));
        index.Apply(Note("c2", "carol", lastSeq: 1));

        var page = index.List(limit: 10, cursor: null, peers: new HashSet<string>(["carol"]));

        Assert.Equal(["c2"], page.Items.Select(item => item.ConversationId));
        Assert.Equal(["bob", "carol"], index.PeerIds().Order(StringComparer.Ordinal));
    }
}
