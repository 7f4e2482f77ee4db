using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Social.WebFront.Overload;

namespace Social.WebFront.Tests;

/// <summary>The send gate's limits, without a server: in flight (fixed and adaptive) and saturation; none queues.</summary>
public sealed class SendGateTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_saturated_process_refuses_at_once_without_starting_the_send()
    {
        var lag = new ThreadPoolLag(_time, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        var gate = Gate(maxInFlight: 10, lag);
        _time.Advance(TimeSpan.FromSeconds(1)); // no probe has started promptly for a second
        var started = false;

        var refusal = await Assert.ThrowsAsync<OverloadedException>(() => gate.RunAsync(() => { started = true; return Task.FromResult(1); }));

        Assert.False(started);
        Assert.Equal(TimeSpan.FromSeconds(1), refusal.RetryAfter);
        lag.ProbeStarted(_time.GetTimestamp()); // prompt again: admitted
        Assert.Equal(1, await gate.RunAsync(() => Task.FromResult(1)));
    }

    [Fact]
    public async Task Past_the_in_flight_limit_a_send_is_refused_and_its_place_returns_when_a_send_ends()
    {
        var gate = Gate(maxInFlight: 1, Unsaturated());
        var first = new TaskCompletionSource<int>(); // continuations inline: the place is back when SetResult returns
        var running = gate.RunAsync(() => first.Task);

        await Assert.ThrowsAsync<OverloadedException>(() => gate.RunAsync(() => Task.FromResult(2)));
        first.SetResult(1);
        Assert.Equal(1, await running);
        Assert.Equal(0, gate.InFlight);
        Assert.Equal(3, await gate.RunAsync(() => Task.FromResult(3)));
    }

    [Fact]
    public void Sends_that_all_queue_shrink_the_limit_down_to_the_floor_and_quick_ones_grow_it_back()
    {
        var limit = new SendLatencyLimit(_time, max: 400, min: 16, Target, Interval);
        var seen = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Interval);
            limit.Ended(TimeSpan.FromMilliseconds(300)); // the fastest of the interval took 300 ms
            seen.Add(limit.Current);
        }

        Assert.Equal(300, seen[0]);
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.Second <= pair.First), string.Join(", ", seen));
        Assert.Equal(16, limit.Current);

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(Interval);
            limit.Ended(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(400, limit.Current);
    }

    [Fact]
    public void One_quick_send_in_an_interval_means_no_standing_queue()
    {
        var limit = new SendLatencyLimit(_time, max: 400, min: 16, Target, Interval);
        limit.Ended(TimeSpan.FromMilliseconds(900));
        limit.Ended(TimeSpan.FromMilliseconds(20));
        _time.Advance(Interval);
        limit.Ended(TimeSpan.FromMilliseconds(900));

        Assert.Equal(400, limit.Current);
    }

    [Fact]
    public void A_zero_target_keeps_the_limit_fixed()
    {
        var limit = new SendLatencyLimit(_time, max: 400, min: 16, TimeSpan.Zero, Interval);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(Interval);
            limit.Ended(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(400, limit.Current);
    }

    [Fact]
    public async Task The_gate_admits_fewer_at_once_after_an_interval_of_slow_sends()
    {
        var limit = new SendLatencyLimit(_time, max: 4, min: 1, Target, Interval);
        var gate = new SendGate(Options.Create(new OverloadOptions()), Unsaturated(), limit, _time);
        var slow = new TaskCompletionSource<int>();
        var running = gate.RunAsync(() => slow.Task);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        slow.SetResult(1); // took 250 ms, in an interval that has ended: 4 → 3
        await running;

        var held = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToList();
        var admitted = held.Select(h => gate.RunAsync(() => h.Task)).ToList();
        await Assert.ThrowsAsync<OverloadedException>(() => gate.RunAsync(() => Task.FromResult(0)));
        held.ForEach(h => h.SetResult(0));
        await Task.WhenAll(admitted);
    }

    private ThreadPoolLag Unsaturated() => new(_time, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));

    private SendGate Gate(int maxInFlight, ThreadPoolLag lag) =>
        new(Options.Create(new OverloadOptions { MaxConcurrentSends = maxInFlight }), lag, new SendLatencyLimit(_time, maxInFlight, 1, Target, Interval), _time);
}
