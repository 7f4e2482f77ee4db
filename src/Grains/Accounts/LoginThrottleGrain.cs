using Microsoft.Extensions.Options;
using Social.Grains.RateLimiting;

namespace Social.Grains.Accounts;

/// <summary>
/// A sliding window of login attempts for one username. An attempt is counted when it is
/// reserved, before the password hash is checked, and forgiven when it succeeds: the grain is
/// not reentrant, so concurrent attempts are counted one after another and never overshoot the
/// allowance. Kept in memory: the window is minutes long, and an activation lives at least as
/// long while it is being used.
/// </summary>
public sealed class LoginThrottleGrain(IOptions<RateLimitOptions> options, TimeProvider time) : Grain, ILoginThrottleGrain
{
    private readonly SlidingWindowCounter _attempts = new(
        options.Value.FailedLoginsPerWindow, TimeSpan.FromMinutes(options.Value.FailedLoginWindowMinutes), time);

    public Task<TimeSpan?> TryReserveAttempt() =>
        Task.FromResult<TimeSpan?>(_attempts.TryAdd(out var retryAfter) ? null : retryAfter);

    // No DeactivateOnIdle here although nothing is left to remember: concurrent logins queued
    // behind this call would be forwarded away from the closing activation and, in a burst,
    // rejected (a 503 for a correct password). Idle collection frees it soon enough.
    public Task RecordSuccess()
    {
        _attempts.Clear();
        return Task.CompletedTask;
    }
}
