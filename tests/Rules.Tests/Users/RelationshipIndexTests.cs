using Social.Grains.Friends;
using Social.Grains.Users;

namespace Social.Rules.Tests.Users;

public sealed class RelationshipIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PeerEntry Entry(PeerStatus status, int minute, bool iBlocked = false, bool blockedMe = false) =>
        new() { Status = status, IBlocked = iBlocked, BlockedMe = blockedMe, Since = Start.AddMinutes(minute), Version = 1 };

    private static Dictionary<string, PeerEntry> Peers() => new(StringComparer.Ordinal)
    {
        ["f1"] = Entry(PeerStatus.Friends, 1),
        ["f2"] = Entry(PeerStatus.Friends, 3),
        ["f3"] = Entry(PeerStatus.Friends, 3),
        ["in"] = Entry(PeerStatus.PendingIncoming, 4),
        ["out"] = Entry(PeerStatus.PendingOutgoing, 5),
        ["blocked"] = Entry(PeerStatus.None, 6, iBlocked: true),
        ["blocker"] = Entry(PeerStatus.None, 7, blockedMe: true),
        ["former"] = Entry(PeerStatus.None, 8),
    };

    [Fact]
    public void Friends_are_counted_from_the_entries()
    {
        Assert.Equal(3, RelationshipIndex.CountFriends(Peers()));
    }

    [Theory]
    [InlineData(RelationshipFilter.Accepted, new[] { "f2", "f3", "f1" })]
    [InlineData(RelationshipFilter.Pending, new[] { "out", "in" })]
    [InlineData(RelationshipFilter.Blocked, new[] { "blocked" })]
    public void Lists_are_filtered_and_newest_first(RelationshipFilter filter, string[] expected)
    {
        var page = RelationshipIndex.List(Peers(), filter, limit: 10, cursor: null);

        Assert.Equal(expected, page.Items.Select(item => item.PeerId));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void Pages_follow_on_without_repeats_or_gaps_even_on_equal_times()
    {
        var peers = Peers();
        var first = RelationshipIndex.List(peers, RelationshipFilter.Accepted, limit: 1, cursor: null);
        var second = RelationshipIndex.List(peers, RelationshipFilter.Accepted, limit: 1, cursor: first.NextCursor);
        var third = RelationshipIndex.List(peers, RelationshipFilter.Accepted, limit: 1, cursor: second.NextCursor);

        Assert.Equal(["f2", "f3", "f1"], new[] { first, second, third }.SelectMany(page => page.Items).Select(item => item.PeerId));
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public void A_page_stays_stable_when_a_newer_entry_arrives()
    {
        var peers = Peers();
        var first = RelationshipIndex.List(peers, RelationshipFilter.Accepted, limit: 2, cursor: null);
        peers["new"] = Entry(PeerStatus.Friends, 60);

        var second = RelationshipIndex.List(peers, RelationshipFilter.Accepted, limit: 2, cursor: first.NextCursor);

        Assert.Equal(["f1"], second.Items.Select(item => item.PeerId));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("bm9jb2xvbg")] // "nocolon"
    [InlineData("eDox")] // "x:1"
    public void A_cursor_we_did_not_make_is_a_format_error(string cursor) =>
        Assert.Throws<FormatException>(() => RelationshipIndex.DecodeCursor(cursor));
}
