using Microsoft.Extensions.Options;
using Social.Grains.RateLimiting;

namespace Social.Grains.Accounts;

/// <summary>
/// A sliding window of failed login times for one username. Kept in memory: the window is
/// minutes long, and an activation lives at least as long while it is being used.
/// </summary>
public sealed class LoginThrottleGrain(IOptions<RateLimitOptions> options, TimeProvider time) : Grain, ILoginThrottleGrain
{
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly int _allowed = options.Value.FailedLoginsPerWindow;
    private readonly TimeSpan _window = TimeSpan.FromMinutes(options.Value.FailedLoginWindowMinutes);

    public Task<TimeSpan?> GetLockout()
    {
        var now = time.GetUtcNow();
        Forget(now);
        TimeSpan? lockout = _failures.Count >= _allowed ? _failures.Peek() + _window - now : null;
        return Task.FromResult(lockout);
    }

    public Task RecordFailure()
    {
        var now = time.GetUtcNow();
        Forget(now);
        _failures.Enqueue(now);
        return Task.CompletedTask;
    }

    public Task RecordSuccess()
    {
        _failures.Clear();
        return Task.CompletedTask;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_failures.Count > 0 && _failures.Peek() + _window <= now)
        {
            _failures.Dequeue();
        }
    }
}
