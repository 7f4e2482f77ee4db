using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Social.Grains.Realtime;

namespace Social.WebFront.Realtime;

/// <summary>The raw WebSocket connections on this front, by user, and the sink that writes events to them.</summary>
public sealed class WebSocketConnections(IOptions<JsonOptions> json) : IUserEventSink
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<WebSocketConnection, byte>> _byUser = new(StringComparer.Ordinal);

    public JsonSerializerOptions SerializerOptions => json.Value.SerializerOptions;

    public void Add(string userId, WebSocketConnection connection)
    {
        if (_byUser.GetOrAdd(userId, _ => new()).TryAdd(connection, 0))
        {
            Grains.Telemetry.SocialMetrics.ConnectionOpened(Grains.Telemetry.SocialMetrics.WebSocket);
        }
    }

    public void Remove(string userId, WebSocketConnection connection)
    {
        if (_byUser.TryGetValue(userId, out var connections))
        {
            if (connections.TryRemove(connection, out _))
            {
                Grains.Telemetry.SocialMetrics.ConnectionClosed(Grains.Telemetry.SocialMetrics.WebSocket);
            }

            if (connections.IsEmpty)
            {
                _byUser.TryRemove(new KeyValuePair<string, ConcurrentDictionary<WebSocketConnection, byte>>(userId, connections));
            }
        }
    }

    public async Task DeliverAsync(string userId, ClientEvent clientEvent, EventPosition? position)
    {
        if (_byUser.TryGetValue(userId, out var connections))
        {
            Grains.Telemetry.SocialMetrics.EventDelivered(Grains.Telemetry.SocialMetrics.WebSocket, clientEvent.Name);
            await SendToAllAsync(connections, Frame(clientEvent, position));
        }
    }

    public async Task ResyncAsync(string userId, EventPosition position)
    {
        if (_byUser.TryGetValue(userId, out var connections))
        {
            await SendToAllAsync(connections, JsonSerializer.SerializeToUtf8Bytes(new { type = "resync", epoch = position.Epoch, seq = position.Seq }, SerializerOptions));
        }
    }

    /// <summary>The frame for an event: the contract's <c>type</c> and <c>data</c>, and for owed events their <c>epoch</c> and <c>seq</c>.</summary>
    public byte[] Frame(ClientEvent clientEvent, EventPosition? position) =>
        position is null
            ? JsonSerializer.SerializeToUtf8Bytes(new { type = clientEvent.Name, data = clientEvent.Payload }, SerializerOptions)
            : JsonSerializer.SerializeToUtf8Bytes(new { type = clientEvent.Name, data = clientEvent.Payload, epoch = position.Epoch, seq = position.Seq }, SerializerOptions);

    private static async Task SendToAllAsync(ConcurrentDictionary<WebSocketConnection, byte> connections, byte[] frame)
    {
        foreach (var connection in connections.Keys)
        {
            await connection.SendAsync(frame);
        }
    }
}

/// <summary>One raw WebSocket: sends are serialised, since a WebSocket allows one send at a time.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim only needs disposing once its wait handle is used, which this class never does; deliveries may still race the socket's end.")]
public sealed class WebSocketConnection(WebSocket socket)
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    public WebSocket Socket => socket;

    public async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        await _sending.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket is going away; its handler cleans up.
        }
        finally
        {
            _sending.Release();
        }
    }
}
