using Social.Grains.Realtime;

namespace Social.WebFront.Realtime;

/// <summary>A way this front reaches a user's connections (SignalR, raw WebSocket).</summary>
public interface IUserEventSink
{
    /// <summary>An event for every connection of the user here; <paramref name="position"/> is null for fleeting events.</summary>
    Task DeliverAsync(string userId, ClientEvent clientEvent, EventPosition? position);

    /// <summary>
    /// Tells the user's connections that take positions that events were lost beyond repair:
    /// catch up through REST; what follows continues after <paramref name="position"/>.
    /// </summary>
    Task ResyncAsync(string userId, EventPosition position);
}
