using System.ComponentModel.DataAnnotations;

namespace Social.Grains.RateLimiting;

/// <summary>Abuse limits (configuration section <c>Social:RateLimits</c>); defaults are the contract's.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Social:RateLimits";

    /// <summary>Friend requests one user may send per minute (also the burst).</summary>
    [Range(1, 1_000_000)]
    public int FriendRequestsPerMinute { get; set; } = 20;

    /// <summary>Messages one user may send per second, sustained.</summary>
    [Range(1, 1_000_000)]
    public double MessagesPerSecond { get; set; } = 10;

    /// <summary>Messages one user may send in a burst.</summary>
    [Range(1, 1_000_000)]
    public int MessageBurst { get; set; } = 20;

    /// <summary>PRO greetings one user may send per day (rolling 24 hours).</summary>
    [Range(1, 1_000_000)]
    public int GreetingsPerDay { get; set; } = 20;

    /// <summary>Registrations per minute from one client address.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationsPerMinute { get; set; } = 100;

    /// <summary>Failed logins per username within <see cref="FailedLoginWindowMinutes"/> before logins are refused.</summary>
    [Range(1, 1_000_000)]
    public int FailedLoginsPerWindow { get; set; } = 10;

    [Range(1, 24 * 60)]
    public int FailedLoginWindowMinutes { get; set; } = 15;
}
