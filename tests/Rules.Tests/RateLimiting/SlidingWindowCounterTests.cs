using Microsoft.Extensions.Time.Testing;
using Social.Grains.RateLimiting;

namespace Social.Rules.Tests.RateLimiting;

public sealed class SlidingWindowCounterTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_limit_holds_within_the_window_and_says_when_the_oldest_leaves()
    {
        var counter = new SlidingWindowCounter(limit: 3, Day, _time);
        counter.TryAdd(out _);
        _time.Advance(TimeSpan.FromHours(5));
        counter.TryAdd(out _);
        counter.TryAdd(out _);

        Assert.False(counter.TryAdd(out var retryAfter));
        Assert.Equal(TimeSpan.FromHours(19), retryAfter);
    }

    [Fact]
    public void An_event_leaves_the_window_exactly_one_window_later()
    {
        var counter = new SlidingWindowCounter(limit: 1, Day, _time);
        Assert.True(counter.TryAdd(out _));

        _time.Advance(Day - TimeSpan.FromTicks(1));
        Assert.False(counter.TryAdd(out _));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(counter.TryAdd(out _));
    }

    [Fact]
    public void Seeded_events_count_so_a_restart_does_not_reset_the_window()
    {
        var now = _time.GetUtcNow();
        var counter = new SlidingWindowCounter(limit: 2, Day, _time);
        counter.Seed([now - TimeSpan.FromHours(1), now - TimeSpan.FromHours(23)]);

        Assert.False(counter.TryAdd(out var retryAfter));
        Assert.Equal(TimeSpan.FromHours(1), retryAfter);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(counter.TryAdd(out _));
    }

    [Fact]
    public void Seeds_in_any_order_are_counted_oldest_first()
    {
        var now = _time.GetUtcNow();
        var counter = new SlidingWindowCounter(limit: 2, Day, _time);
        counter.Seed([now - TimeSpan.FromHours(2), now - TimeSpan.FromHours(20)]);

        Assert.False(counter.TryAdd(out var retryAfter));
        Assert.Equal(TimeSpan.FromHours(4), retryAfter);
    }

    [Fact]
    public void Clear_forgets_every_event()
    {
        var counter = new SlidingWindowCounter(limit: 1, Day, _time);
        counter.TryAdd(out _);

        counter.Clear();

        Assert.True(counter.TryAdd(out _));
    }
}
