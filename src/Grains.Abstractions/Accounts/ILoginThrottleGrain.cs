namespace Social.Grains.Accounts;

/// <summary>
/// Counts failed logins for one username (keyed by <see cref="GrainKeys.LoginThrottle"/>), cluster-wide,
/// so that several front ends cannot multiply the allowance.
/// </summary>
[Alias("Social.ILoginThrottleGrain")]
public interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long until a login may be tried again, or null when it may be tried now.</summary>
    [Alias("GetLockout")]
    Task<TimeSpan?> GetLockout();

    [Alias("RecordFailure")]
    Task RecordFailure();

    [Alias("RecordSuccess")]
    Task RecordSuccess();
}
