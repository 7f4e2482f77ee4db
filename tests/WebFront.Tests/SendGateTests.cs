using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Social.WebFront.Overload;

namespace Social.WebFront.Tests;

/// <summary>The send gate's two limits, without a server: in flight and saturation; neither queues.</summary>
public sealed class SendGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_saturated_process_refuses_at_once_without_starting_the_send()
    {
        var lag = new ThreadPoolLag(_time, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        using var gate = Gate(maxInFlight: 10, lag);
        _time.Advance(TimeSpan.FromSeconds(1)); // no probe has started promptly for a second
        var started = false;

        var refusal = await Assert.ThrowsAsync<OverloadedException>(() => gate.RunAsync(() => { started = true; return Task.FromResult(1); }));

        Assert.False(started);
        Assert.Equal(TimeSpan.FromSeconds(1), refusal.RetryAfter);
        var queuedAt = _time.GetTimestamp();
        lag.ProbeStarted(queuedAt); // prompt again: admitted
        Assert.Equal(1, await gate.RunAsync(() => Task.FromResult(1)));
    }

    [Fact]
    public async Task Past_the_in_flight_limit_a_send_is_refused_and_the_permit_returns_when_a_send_ends()
    {
        var lag = new ThreadPoolLag(_time, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        using var gate = Gate(maxInFlight: 1, lag);
        // Continuations inline: the permit is back when SetResult returns.
        var first = new TaskCompletionSource<int>();
        var running = gate.RunAsync(() => first.Task);

        await Assert.ThrowsAsync<OverloadedException>(() => gate.RunAsync(() => Task.FromResult(2)));
        first.SetResult(1);
        Assert.Equal(1, await running);
        Assert.Equal(3, await gate.RunAsync(() => Task.FromResult(3)));
    }

    private static SendGate Gate(int maxInFlight, ThreadPoolLag lag) =>
        new(Options.Create(new OverloadOptions { MaxConcurrentSends = maxInFlight }), lag);
}
