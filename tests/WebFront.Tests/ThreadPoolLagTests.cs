using Microsoft.Extensions.Time.Testing;
using Social.WebFront.Overload;

namespace Social.WebFront.Tests;

/// <summary>The saturation rule of the send gate, on a fake clock: a standing queue trips it, a burst does not.</summary>
public sealed class ThreadPoolLagTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Probes_that_start_promptly_keep_it_unsaturated()
    {
        var lag = new ThreadPoolLag(_time, Limit, Window);
        for (var i = 0; i < 100; i++)
        {
            ProbeWaiting(lag, TimeSpan.FromMilliseconds(20));
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.False(lag.IsSaturated);
        Assert.Equal(TimeSpan.FromMilliseconds(20), lag.LastLag);
    }

    [Fact]
    public void A_burst_shorter_than_the_window_does_not_saturate_it()
    {
        var lag = new ThreadPoolLag(_time, Limit, Window);
        ProbeWaiting(lag, TimeSpan.FromMilliseconds(5));
        ProbeWaiting(lag, TimeSpan.FromMilliseconds(400)); // a 400 ms pause, then prompt again

        Assert.False(lag.IsSaturated);
        ProbeWaiting(lag, TimeSpan.FromMilliseconds(5));
        Assert.False(lag.IsSaturated);
    }

    [Fact]
    public void Every_probe_late_for_a_whole_window_saturates_it_until_one_is_prompt_again()
    {
        var lag = new ThreadPoolLag(_time, Limit, Window);
        ProbeWaiting(lag, TimeSpan.FromMilliseconds(5));
        for (var i = 0; i < 4; i++)
        {
            ProbeWaiting(lag, TimeSpan.FromMilliseconds(150));
        }

        Assert.True(lag.IsSaturated); // 600 ms since the last prompt probe
        ProbeWaiting(lag, TimeSpan.FromMilliseconds(99));
        Assert.False(lag.IsSaturated);
    }

    [Fact]
    public void A_probe_that_never_starts_saturates_it_once_the_window_has_passed()
    {
        var lag = new ThreadPoolLag(_time, Limit, Window);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(lag.IsSaturated);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(lag.IsSaturated);
    }

    [Fact]
    public void A_zero_limit_switches_it_off()
    {
        var lag = new ThreadPoolLag(_time, TimeSpan.Zero, Window);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(lag.IsEnabled);
        Assert.False(lag.IsSaturated);
    }

    private void ProbeWaiting(ThreadPoolLag lag, TimeSpan wait)
    {
        var queuedAt = _time.GetTimestamp();
        _time.Advance(wait);
        lag.ProbeStarted(queuedAt);
    }
}
