using Social.Grains.Messages;
using Social.Storage.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class RecentWindowTests
{
    private static StoredMessage At(long seq, string? clientId = null, string sender = "alice") =>
        new("c", seq, sender, sender == "alice" ? "bob" : "alice", $"m{seq}", DateTimeOffset.UnixEpoch.AddSeconds(seq), false, clientId);

    private static RecentWindow<StoredMessage> Holding(int capacity, long from, long to)
    {
        var window = new RecentWindow<StoredMessage>(capacity);
        window.Load(Enumerable.Range((int)from, (int)(to - from + 1)).Select(seq => At(seq, $"k{seq}")));
        return window;
    }

    [Fact]
    public void The_window_keeps_the_newest_messages_up_to_its_capacity()
    {
        var window = Holding(capacity: 3, 1, 2);
        window.Append(At(3));
        window.Append(At(4));

        Assert.Equal(2, window.FirstSeq);
        Assert.Equal(4, window.Last!.Seq);
        Assert.Null(window.Find(1));
        Assert.Equal("m3", window.Find(3)!.Content);
    }

    [Fact]
    public void Load_orders_by_seq_and_trims()
    {
        var window = new RecentWindow<StoredMessage>(3);
        window.Load([At(5), At(2), At(4), At(3)]);

        Assert.Equal(3, window.FirstSeq);
        Assert.Equal(5, window.Last!.Seq);
    }

    [Fact]
    public void A_client_id_is_found_while_its_message_is_held_and_forgotten_with_it()
    {
        var window = Holding(capacity: 2, 1, 2);

        Assert.Equal(1, window.FindByClientId("alice", "k1")!.Seq);
        Assert.Null(window.FindByClientId("bob", "k1"));

        window.Append(At(3, "k3"));

        Assert.Null(window.FindByClientId("alice", "k1"));
        Assert.Equal(3, window.FindByClientId("alice", "k3")!.Seq);
    }

    [Fact]
    public void Pages_inside_the_window_are_answered_and_outside_it_are_not()
    {
        var window = Holding(capacity: 10, 11, 20);

        Assert.Equal([17L, 18, 19], window.Before(20, 3)!.Select(m => m.Seq));
        Assert.Equal([11L, 12], window.Before(13, 5)!.Select(m => m.Seq));
        Assert.Null(window.Before(11, 5));

        Assert.Equal([16L, 17], window.After(15, 2)!.Select(m => m.Seq));
        Assert.Equal([11L], window.After(10, 1)!.Select(m => m.Seq));
        Assert.Null(window.After(9, 5));
        Assert.Empty(window.After(20, 5)!);
    }

    [Fact]
    public void An_empty_window_cannot_tell()
    {
        var window = new RecentWindow<StoredMessage>(5);

        Assert.Null(window.Last);
        Assert.Null(window.Before(3, 1));
        Assert.Null(window.After(0, 1));
    }

    [Fact]
    public void Hidden_messages_are_skipped_only_for_the_user_who_hid_them()
    {
        var window = Holding(capacity: 5, 1, 3);
        window.Replace(window.Find(3)! with { HiddenBySender = true });

        Assert.Equal(2, window.LastVisibleTo("alice")!.Seq);
        Assert.Equal(3, window.LastVisibleTo("bob")!.Seq);
    }

    [Fact]
    public void A_held_message_is_hidden_only_for_the_member_who_hid_it_and_keeps_its_contract_form()
    {
        var window = new RecentWindow<HeldMessage>(5);
        window.Load([HeldMessage.From(At(1, "k1")), HeldMessage.From(At(2, "k2"))]);
        var held = window.Find(2)!;
        window.Replace(held with { HiddenByRecipient = true });

        Assert.Equal(2, window.LastVisibleTo("alice")!.Seq);
        Assert.Equal(1, window.LastVisibleTo("bob")!.Seq);
        Assert.Same(held.Message, window.FindByClientId("alice", "k2")!.Message);
        Assert.Equal(ConversationIds.MessageId("c", 2), held.Message.MessageId);
        Assert.Equal("m2", held.Message.Content);
    }
}
