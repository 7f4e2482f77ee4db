using System.ComponentModel.DataAnnotations;

namespace Social.Grains.Presence;

/// <summary>
/// Presence timing (configuration section <c>Social:Presence</c>), read by silos and front ends
/// alike: give both the same values.
/// </summary>
public sealed class PresenceOptions
{
    public const string Section = "Social:Presence";

    /// <summary>
    /// How long a front's report of a user's connections holds without renewal. A front renews
    /// every third of it, so a front that dies leaves its users online for at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At most one announcement to a user's friends per window; a change undone within it (a
    /// flapping connection) is never announced.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RenewEvery => Lease / 3;
}
