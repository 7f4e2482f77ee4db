using Microsoft.Extensions.Time.Testing;
using Social.Grains.RateLimiting;

namespace Social.Rules.Tests.RateLimiting;

public sealed class UserQuotasTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RateLimitOptions _limits = new();

    [Fact]
    public void Messages_allow_a_burst_of_twenty_then_ten_a_second()
    {
        var quotas = new UserQuotas(_limits, _time);

        Assert.Equal(20, Enumerable.Range(0, 25).Count(_ => quotas.TryTakeMessage(out var _)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Enumerable.Range(0, 25).Count(_ => quotas.TryTakeMessage(out var _)));
    }

    [Fact]
    public void Friend_requests_allow_twenty_a_minute()
    {
        var quotas = new UserQuotas(_limits, _time);

        Assert.Equal(20, Enumerable.Range(0, 25).Count(_ => quotas.TryTakeFriendRequest(out var _)));
        Assert.False(quotas.TryTakeFriendRequest(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(3), retryAfter);
    }

    [Fact]
    public void Greetings_count_the_stored_ones_of_the_last_day()
    {
        var quotas = new UserQuotas(_limits, _time);
        var now = _time.GetUtcNow();
        quotas.LoadGreetings(Enumerable.Range(0, 19).Select(i => now - TimeSpan.FromMinutes(i + 1)));

        Assert.True(quotas.TryTakeGreeting(out _));
        Assert.False(quotas.TryTakeGreeting(out var retryAfter));
        Assert.Equal(UserQuotas.GreetingWindow - TimeSpan.FromMinutes(19), retryAfter);
    }

    [Fact]
    public void Greetings_are_loaded_once_per_activation()
    {
        var quotas = new UserQuotas(_limits, _time);
        Assert.False(quotas.GreetingsLoaded);
        Assert.Throws<InvalidOperationException>(() => quotas.TryTakeGreeting(out _));

        quotas.LoadGreetings([]);
        Assert.True(quotas.TryTakeGreeting(out _));
        quotas.LoadGreetings(Enumerable.Repeat(_time.GetUtcNow(), 20));

        Assert.True(quotas.GreetingsLoaded);
        Assert.True(quotas.TryTakeGreeting(out _));
    }

    [Fact]
    public void Each_quota_is_counted_on_its_own()
    {
        var quotas = new UserQuotas(_limits, _time);
        quotas.LoadGreetings([]);
        while (quotas.TryTakeMessage(out _))
        {
        }

        Assert.True(quotas.TryTakeFriendRequest(out _));
        Assert.True(quotas.TryTakeGreeting(out _));
    }
}
