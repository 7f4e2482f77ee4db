using Microsoft.Extensions.Time.Testing;
using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Rules.Tests.Realtime;

public sealed class UserEventLogTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Owed_events_are_numbered_from_one_without_gaps_in_one_epoch()
    {
        var log = new UserEventLog(_time);
        var numbered = Enumerable.Range(1, 5).Select(i => log.Append(Receipt(i))).ToList();

        Assert.Equal([1L, 2, 3, 4, 5], numbered.Select(e => e.Seq));
        Assert.All(numbered, e => Assert.Equal(log.Epoch, e.Epoch));
        Assert.Equal(new EventPosition(log.Epoch, 5), log.Position);
        Assert.InRange(log.Epoch, 1, (1L << 53) - 1);
    }

    [Fact]
    public void Each_log_starts_its_own_epoch()
    {
        var epochs = Enumerable.Range(0, 20).Select(_ => new UserEventLog(_time).Epoch).ToHashSet();
        Assert.Equal(20, epochs.Count);
    }

    [Fact]
    public void Replay_after_a_position_returns_what_followed_in_order()
    {
        var log = new UserEventLog(_time);
        for (var i = 1; i <= 6; i++)
        {
            log.Append(Receipt(i));
        }

        var replay = log.After(new EventPosition(log.Epoch, 3));

        Assert.True(replay.Complete);
        Assert.Equal([4L, 5, 6], replay.Events.Select(e => e.Seq));
        Assert.Equal(log.Position, replay.Current);
    }

    [Fact]
    public void Replay_from_the_current_position_is_complete_and_empty()
    {
        var log = new UserEventLog(_time);
        log.Append(Receipt(1));

        var replay = log.After(log.Position);

        Assert.True(replay.Complete);
        Assert.Empty(replay.Events);
    }

    [Fact]
    public void A_position_from_another_epoch_or_ahead_of_the_log_is_not_complete()
    {
        var log = new UserEventLog(_time);
        log.Append(Receipt(1));
        log.Append(Receipt(2));

        var otherEpoch = log.After(new EventPosition(log.Epoch + 1, 1));
        var ahead = log.After(new EventPosition(log.Epoch, 9));

        Assert.False(otherEpoch.Complete);
        Assert.Equal([1L, 2], otherEpoch.Events.Select(e => e.Seq)); // the new run, from its start
        Assert.False(ahead.Complete);
    }

    [Fact]
    public void The_buffer_forgets_beyond_its_capacity_and_then_cannot_replay_that_far()
    {
        var log = new UserEventLog(_time);
        for (var i = 1; i <= UserEventLog.Capacity + 10; i++)
        {
            log.Append(Receipt(i));
        }

        Assert.False(log.After(new EventPosition(log.Epoch, 5)).Complete);
        var recent = log.After(new EventPosition(log.Epoch, 10));
        Assert.True(recent.Complete);
        Assert.Equal(UserEventLog.Capacity, recent.Events.Count);
    }

    [Fact]
    public void The_buffer_forgets_events_older_than_its_age_limit()
    {
        var log = new UserEventLog(_time);
        log.Append(Receipt(1));
        _time.Advance(UserEventLog.MaxAge + TimeSpan.FromSeconds(1));
        log.Append(Receipt(2));

        Assert.False(log.After(new EventPosition(log.Epoch, 0)).Complete);
        Assert.True(log.After(new EventPosition(log.Epoch, 1)).Complete);
    }

    [Fact]
    public void A_message_announced_recently_is_recognised_when_announced_again()
    {
        var log = new UserEventLog(_time);
        var message = new Message("m-1", "c-1", 1, "a", "b", "hi", _time.GetUtcNow(), false, null);
        log.Append(new NewMessageEvent(message));

        Assert.True(log.HasRecentMessage("m-1"));
        Assert.False(log.HasRecentMessage("m-2"));
    }

    [Fact]
    public void A_message_the_buffer_has_forgotten_is_no_longer_recent_unless_it_was_appended_again()
    {
        var log = new UserEventLog(_time);
        log.Append(new NewMessageEvent(Message("m-old")));
        log.Append(new NewMessageEvent(Message("m-twice")));
        log.Append(new NewMessageEvent(Message("m-twice")));
        for (var i = 0; i < UserEventLog.Capacity - 1; i++)
        {
            log.Append(Receipt(i)); // pushes out m-old and the first m-twice
        }

        Assert.False(log.HasRecentMessage("m-old"));
        Assert.True(log.HasRecentMessage("m-twice"));

        _time.Advance(UserEventLog.MaxAge + TimeSpan.FromSeconds(1));
        Assert.False(log.HasRecentMessage("m-twice")); // too old
    }

    [Fact]
    public void A_marker_announces_the_current_position_and_is_not_owed()
    {
        var log = new UserEventLog(_time);
        log.Append(Receipt(1));

        var marker = log.Marker();

        Assert.Equal(log.Position, marker.Position);
        Assert.False(marker.Event.IsOwed);
        Assert.Equal(1, log.Seq); // announcing does not advance the sequence
    }

    private Message Message(string id) => new(id, "c-1", 1, "a", "b", "hi", _time.GetUtcNow(), false, null);

    private ReadReceiptEvent Receipt(int seq) => new("c-1", "reader", seq, _time.GetUtcNow());
}
