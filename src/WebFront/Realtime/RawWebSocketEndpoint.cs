using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Social.Grains.Realtime;
using Social.WebFront.Api;
using Social.WebFront.Auth;
using Social.WebFront.Overload;

namespace Social.WebFront.Realtime;

/// <summary>
/// The seed's WebSocket protocol on <c>/ws/messages</c>: the first frame must be
/// <c>{"action":"auth","token":"…"}</c> within 10 s (optionally with <c>"resume":{"epoch","seq"}</c>);
/// then events arrive as <c>{"type":…,"data":…}</c>, owed ones with their <c>epoch</c> and
/// <c>seq</c>, and <c>{"action":"ping"}</c> is answered with <c>{"type":"pong"}</c>. The server's
/// WebSocket keep-alive pings the client and drops a socket that stops answering; the socket is
/// closed when its token expires.
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

    private static async Task HandleAsync(
        HttpContext context, AccessTokenValidator tokens, UserStreamSubscriptions subscriptions, WebSocketConnections connections, TimeProvider time,
        Microsoft.Extensions.Options.IOptions<RealtimeOptions> options, Presence.PresenceTracker presence, SessionConnections sessions)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new WebSocketConnection(socket);
        var auth = await AuthenticateAsync(socket, tokens, context.RequestAborted);
        if (auth is null)
        {
            await connection.SendAsync(Encode(new { type = "error", code = Problems.Codes.AuthFailed }));
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, Problems.Codes.AuthFailed);
            return;
        }

        var (userId, resume, expiresAt, principal) = auth.Value;
        // Ends with the token's lifetime, the client, or the front stopping (so clients move to another front at once).
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (expiresAt is { } expiry)
        {
            session.CancelAfter(Max(expiry - time.GetUtcNow(), TimeSpan.Zero));
        }

        var sessionEnded = 0;
        try
        {
            await subscriptions.AddConnectionAsync(userId);
        }
        catch (Exception exception) when (ClusterFailures.IsRetryable(exception))
        {
            await RefuseUnavailableAsync(socket, connection);
            return;
        }

        try
        {
            if (subscriptions.ConnectionsOf(userId) > options.Value.MaxConnectionsPerUser)
            {
                await connection.SendAsync(Encode(new { type = "error", code = Problems.Codes.TooManyConnections }));
                await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, Problems.Codes.TooManyConnections);
                return;
            }

            await subscriptions.JoinAsync(userId, async position =>
            {
                // Under the subscription's lock: the replay and auth_ok go out before any live event.
                var (complete, missed) = resume is null ? (false, []) : await subscriptions.ReplayAsync(userId, resume, position);
                await connection.SendAsync(Encode(new
                {
                    type = "auth_ok",
                    userId,
                    epoch = position.Epoch,
                    seq = position.Seq,
                    resumed = resume is null ? (bool?)null : complete,
                }));
                foreach (var (missedEvent, at) in missed)
                {
                    await connection.SendAsync(connections.Frame(missedEvent, at));
                }

                connections.Add(userId, connection);
            });

            using var tracked = await sessions.TrackAsync(userId, principal, () => EndSession(session, ref sessionEnded), context.RequestAborted);
            await presence.ConnectedAsync(userId, context.TraceIdentifier);
            await ReadLoopAsync(socket, connection, session.Token);
        }
        catch (Exception exception) when (ClusterFailures.IsRetryable(exception))
        {
            await RefuseUnavailableAsync(socket, connection);
            return;
        }
        finally
        {
            await presence.DisconnectedAsync(userId, context.TraceIdentifier);
            connections.Remove(userId, connection);
            await subscriptions.RemoveConnectionAsync(userId);
        }

        if (stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            await CloseAsync(socket, WebSocketCloseStatus.EndpointUnavailable, "server stopping");
            return;
        }

        if (!context.RequestAborted.IsCancellationRequested && Volatile.Read(ref sessionEnded) == 1)
        {
            await connection.SendAsync(Encode(new { type = "error", data = new { code = Problems.Codes.Unauthorized, message = "The session ended (the password was changed); sign in again." } }));
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, Problems.Codes.SessionEnded);
            return;
        }

        if (!context.RequestAborted.IsCancellationRequested && session.IsCancellationRequested)
        {
            await connection.SendAsync(Encode(new { type = "error", data = new { code = Problems.Codes.Unauthorized, message = "The access token expired; connect again with a fresh one." } }));
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, Problems.Codes.TokenExpired);
            return;
        }

        await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "bye");
    }

    /// <summary>A password change ended the token's session: the read loop stops and the socket is told why.</summary>
    private static void EndSession(CancellationTokenSource session, ref int ended)
    {
        Volatile.Write(ref ended, 1);
        try
        {
            session.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private static async Task<(string UserId, EventPosition? Resume, DateTimeOffset? ExpiresAt, System.Security.Claims.ClaimsPrincipal Principal)?> AuthenticateAsync(
        WebSocket socket, AccessTokenValidator tokens, CancellationToken aborted)
    {
        try
        {
            // Not cancelled by the timeout: cancelling a receive aborts the socket, and the
            // client would get no auth_failed, only a dropped connection.
            var receiving = ReceiveTextAsync(socket, aborted);
            if (await Task.WhenAny(receiving, Task.Delay(AuthTimeout, aborted)) != receiving)
            {
                return null;
            }

            var frame = await receiving;
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

            var tokenText = token.GetString()!;
            var principal = await tokens.ValidateAsync(tokenText);
            return principal is null ? null : (principal.UserId(), ReadResume(root), tokens.ExpiresAt(tokenText), principal);
        }
        catch (Exception exception) when (exception is OperationCanceledException or JsonException or WebSocketException)
        {
            return null;
        }
    }

    /// <summary>The optional <c>"resume":{"epoch":E,"seq":S}</c> of the auth frame; ignored when malformed.</summary>
    private static EventPosition? ReadResume(JsonElement root) =>
        root.TryGetProperty("resume", out var resume) && resume.ValueKind == JsonValueKind.Object
        && resume.TryGetProperty("epoch", out var epoch) && epoch.TryGetInt64(out var epochValue)
        && resume.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var seqValue) && seqValue >= 0
            ? new EventPosition(epochValue, seqValue)
            : null;

    private static async Task ReadLoopAsync(WebSocket socket, WebSocketConnection connection, CancellationToken session)
    {
        while (socket.State == WebSocketState.Open)
        {
            string? frame;
            try
            {
                var receiving = ReceiveTextAsync(socket, CancellationToken.None);
                await receiving.WaitAsync(session);
                frame = await receiving;
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
                : Encode(new { type = "error", data = new { code = Problems.Codes.UnknownAction, message = "Supported actions: ping. Send messages through the REST API or the hub." } });
        }
        catch (JsonException)
        {
            return Encode(new { type = "error", data = new { code = Problems.Codes.ValidationFailed, message = "Frames are JSON objects." } });
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

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The cluster or the store did not answer while the connection was set up: the client should retry.</summary>
    private static async Task RefuseUnavailableAsync(WebSocket socket, WebSocketConnection connection)
    {
        await connection.SendAsync(Encode(new { type = "error", code = Problems.Codes.Unavailable }));
        await CloseAsync(socket, TryAgainLater, Problems.Codes.Unavailable);
    }

    /// <summary>RFC 6455's 1013 "Try Again Later" (IANA registry), which the enum does not name.</summary>
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
