using Microsoft.Extensions.Time.Testing;
using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class TypingThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void One_typing_event_per_user_per_interval_goes_out()
    {
        var throttle = new TypingThrottle(_time);

        Assert.True(throttle.ShouldSend("alice"));
        Assert.False(throttle.ShouldSend("alice"));

        _time.Advance(TypingThrottle.Interval - TimeSpan.FromTicks(1));
        Assert.False(throttle.ShouldSend("alice"));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(throttle.ShouldSend("alice"));
    }

    [Fact]
    public void Each_user_is_throttled_on_their_own()
    {
        var throttle = new TypingThrottle(_time);

        Assert.True(throttle.ShouldSend("alice"));
        Assert.True(throttle.ShouldSend("bob"));
    }

    [Fact]
    public void Suppressed_events_do_not_extend_the_wait()
    {
        var throttle = new TypingThrottle(_time);
        throttle.ShouldSend("alice");

        _time.Advance(TimeSpan.FromSeconds(1));
        throttle.ShouldSend("alice");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(throttle.ShouldSend("alice"));
    }
}
