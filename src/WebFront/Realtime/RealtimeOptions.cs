using System.ComponentModel.DataAnnotations;

namespace Social.WebFront.Realtime;

/// <summary>Real-time connection settings (<c>Social:Realtime</c>).</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Social:Realtime";

    /// <summary>
    /// Open connections (hub and raw WebSocket together) one user may hold on one front; one more
    /// is refused with <c>too_many_connections</c>. Tabs and devices of a real user stay far below.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 32;
}
