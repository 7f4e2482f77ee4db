using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Social.WebFront.Auth;

namespace Social.WebFront.Realtime;

/// <summary>
/// The seed's WebSocket protocol on <c>/ws/messages</c>: the first frame must be
/// <c>{"action":"auth","token":"…"}</c> within 10 s; then events arrive as
/// <c>{"type":…,"data":…}</c>, and <c>{"action":"ping"}</c> is answered with <c>{"type":"pong"}</c>.
/// The server's WebSocket keep-alive pings the client and drops a socket that stops answering.
/// </summary>
public static class RawWebSocketEndpoint
{
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    private const int MaxFrameBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapRawWebSocket(this IEndpointRouteBuilder routes)
    {
        routes.Map("/ws/messages", HandleAsync).AllowAnonymous();
        return routes;
    }

    private static async Task HandleAsync(HttpContext context, AccessTokenValidator tokens, UserStreamSubscriptions subscriptions, WebSocketConnections connections)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new WebSocketConnection(socket);
        var userId = await AuthenticateAsync(socket, connection, tokens, context.RequestAborted);
        if (userId is null)
        {
            await connection.SendAsync(Encode(new { type = "error", code = "auth_failed" }));
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, "auth_failed");
            return;
        }

        connections.Add(userId, connection);
        try
        {
            await subscriptions.AddConnectionAsync(userId);
            try
            {
                await connection.SendAsync(Encode(new { type = "auth_ok", userId }));
                await ReadLoopAsync(socket, connection, context.RequestAborted);
            }
            finally
            {
                await subscriptions.RemoveConnectionAsync(userId);
            }
        }
        finally
        {
            connections.Remove(userId, connection);
        }

        await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "bye");
    }

    private static async Task<string?> AuthenticateAsync(WebSocket socket, WebSocketConnection connection, AccessTokenValidator tokens, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(AuthTimeout);
        try
        {
            var frame = await ReceiveTextAsync(socket, timeout.Token);
            if (frame is null)
            {
                return null;
            }

            using var json = JsonDocument.Parse(frame);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String || action.GetString() != "auth"
                || !root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            return await tokens.ValidateAsync(token.GetString());
        }
        catch (Exception exception) when (exception is OperationCanceledException or JsonException or WebSocketException)
        {
            return null;
        }
    }

    private static async Task ReadLoopAsync(WebSocket socket, WebSocketConnection connection, CancellationToken aborted)
    {
        while (socket.State == WebSocketState.Open)
        {
            string? frame;
            try
            {
                frame = await ReceiveTextAsync(socket, aborted);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
            {
                return;
            }

            if (frame is null)
            {
                return;
            }

            await connection.SendAsync(Reply(frame));
        }
    }

    private static byte[] Reply(string frame)
    {
        try
        {
            using var json = JsonDocument.Parse(frame);
            var action = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("action", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
            return action == "ping"
                ? Encode(new { type = "pong" })
                : Encode(new { type = "error", data = new { code = "unknown_action", message = "Supported actions: ping. Send messages through the REST API or the hub." } });
        }
        catch (JsonException)
        {
            return Encode(new { type = "error", data = new { code = "validation_failed", message = "Frames are JSON objects." } });
        }
    }

    /// <summary>One whole text message, or null when the peer closed; oversized frames close the socket.</summary>
    private static async Task<string?> ReceiveTextAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxFrameBytes)
            {
                await CloseAsync(socket, WebSocketCloseStatus.MessageTooBig, "frame too large");
                return null;
            }

            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }

    private static byte[] Encode(object value) => JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
