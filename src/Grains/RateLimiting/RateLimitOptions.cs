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

    /// <summary>Requests per second one signed-in user may make to any route, sustained, per front end.</summary>
    [Range(1, 1_000_000)]
    public double RequestsPerSecond { get; set; } = 50;

    /// <summary>Requests one signed-in user may make in a burst, per front end.</summary>
    [Range(1, 1_000_000)]
    public int RequestBurst { get; set; } = 200;

    /// <summary>User searches per minute for one signed-in user (also the burst), per front end.</summary>
    [Range(1, 1_000_000)]
    public int SearchesPerMinute { get; set; } = 30;

    /// <summary>Login attempts per minute from one client address, per front end (never fewer than <see cref="RegistrationsPerMinute"/>).</summary>
    [Range(1, 1_000_000)]
    public int LoginsPerMinute { get; set; } = 300;

    /// <summary>Requests per second from one client address to the routes that need no token (health, OpenAPI), per front end.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousRequestsPerSecond { get; set; } = 50;
}
