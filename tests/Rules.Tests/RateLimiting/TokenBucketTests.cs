using Microsoft.Extensions.Time.Testing;
using Social.Grains.RateLimiting;

namespace Social.Rules.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_full_bucket_allows_a_burst_of_its_capacity_then_refuses()
    {
        var bucket = new TokenBucket(capacity: 20, refillPerSecond: 10, _time);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.True(bucket.TryTake(out var _)));
        Assert.False(bucket.TryTake(out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(100), retryAfter);
    }

    [Fact]
    public void Tokens_come_back_at_the_refill_rate()
    {
        var bucket = Drained(capacity: 20, refillPerSecond: 10);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(bucket.TryTake(out var retryAfter));
        Assert.Equal(1, retryAfter.TotalMilliseconds, precision: 6);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake(out _));
        Assert.False(bucket.TryTake(out _));
    }

    [Fact]
    public void A_long_pause_refills_no_more_than_the_capacity()
    {
        var bucket = Drained(capacity: 3, refillPerSecond: 1);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => bucket.TryTake(out var _)));
    }

    [Fact]
    public void Refusals_do_not_use_up_tokens()
    {
        var bucket = Drained(capacity: 1, refillPerSecond: 1);
        for (var i = 0; i < 100; i++)
        {
            Assert.False(bucket.TryTake(out _));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake(out _));
    }

    private TokenBucket Drained(int capacity, double refillPerSecond)
    {
        var bucket = new TokenBucket(capacity, refillPerSecond, _time);
        while (bucket.TryTake(out _))
        {
        }

        return bucket;
    }
}
