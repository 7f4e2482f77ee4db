namespace Social.Grains.Accounts;

/// <summary>
/// Counts login attempts for one username (keyed by <see cref="GrainKeys.LoginThrottle"/>),
/// cluster-wide, so that several front ends cannot multiply the allowance.
/// </summary>
[Alias("Social.ILoginThrottleGrain")]
public interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves one attempt before the password is checked: it counts as a failure at once, so
    /// any number of concurrent attempts get no more than the allowance between them. Null when
    /// the attempt may go ahead; otherwise how long until one may be tried again.
    /// </summary>
    [Alias("TryReserveAttempt")]
    Task<TimeSpan?> TryReserveAttempt();

    /// <summary>The password was right: forgets the failures counted so far.</summary>
    [Alias("RecordSuccess")]
    Task RecordSuccess();
}
