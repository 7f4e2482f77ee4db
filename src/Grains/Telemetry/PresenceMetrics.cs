using System.Diagnostics.Metrics;

namespace Social.Grains.Telemetry;

/// <summary>Presence instruments, on the same meter as <see cref="SocialMetrics"/>.</summary>
public static class PresenceMetrics
{
    private static readonly Meter Meter = new(SocialMetrics.MeterName);

    private static readonly Counter<long> Announcements = Meter.CreateCounter<long>(
        "social.presence.announcements", "{announcement}", "Presence changes announced to a user's friends (after coalescing).");

    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "social.presence.notifications", "{call}", "One-way calls to friends' presence grains made by announcements.");

    public static void Announced(int friends)
    {
        Announcements.Add(1);
        Notifications.Add(friends);
    }
}
