namespace Social.WebFront.Realtime;

/// <summary>A way this front reaches a user's connections (SignalR, raw WebSocket).</summary>
public interface IUserEventSink
{
    Task DeliverAsync(string userId, ClientEvent clientEvent);
}
