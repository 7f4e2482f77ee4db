using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Social.Testing.Realtime;

/// <summary>
/// The tests' one client of the raw WebSocket (<c>/ws/messages</c>, the seed's protocol): JSON
/// text frames in and out, each receive bounded by a timeout so a missing frame fails the test
/// with <see cref="TimeoutException"/> instead of hanging it.
/// </summary>
public sealed class RawSocket : IDisposable
{
    /// <summary>How long a receive waits unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;

    private RawSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>The state of the underlying socket.</summary>
    public WebSocketState State => _socket.State;

    /// <summary>The close status the server sent, once its close frame has been received.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The close reason the server sent, once its close frame has been received.</summary>
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>Opens <c>/ws/messages</c> on the server at <paramref name="server"/> (its http:// address), unauthenticated.</summary>
    public static Task<RawSocket> ConnectAsync(Uri server, CancellationToken cancellationToken = default) =>
        ConnectAsync(server, invoker: null, cancellationToken);

    /// <summary>
    /// Opens <c>/ws/messages</c> through <paramref name="invoker"/> (the load tester's handlers,
    /// each bound to its own loopback source address, for more sockets than one address has ports).
    /// </summary>
    public static async Task<RawSocket> ConnectAsync(Uri server, HttpMessageInvoker? invoker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; this client only answers
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{server.Authority}/ws/messages"), invoker, cancellationToken);
            return new RawSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Opens <c>/ws/messages</c> and sends the auth frame; returns the socket and the server's answer (<c>auth_ok</c> or an error).</summary>
    public static async Task<(RawSocket Socket, JsonElement Answer)> OpenAsync(Uri server, string token, CancellationToken cancellationToken = default)
    {
        var socket = await ConnectAsync(server, cancellationToken);
        try
        {
            return (socket, await socket.AuthenticateAsync(token, cancellationToken: cancellationToken));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <c>{"action":"auth","token":…}</c> (with <c>"resume":{"epoch","seq"}</c> when
    /// <paramref name="resume"/> is given) and returns the next frame: <c>auth_ok</c> or the error.
    /// </summary>
    public async Task<JsonElement> AuthenticateAsync(string token, (long Epoch, long Seq)? resume = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        object frame = resume is { } position
            ? new { action = "auth", token, resume = new { epoch = position.Epoch, seq = position.Seq } }
            : new { action = "auth", token };
        await SendAsync(frame, cancellationToken);
        return await ReceiveAsync(timeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="frame"/> as one JSON text frame.</summary>
    public Task SendAsync(object frame, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>The next frame; throws if the server closes the socket instead or nothing comes within the timeout.</summary>
    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await ReceiveOrCloseAsync(timeout, cancellationToken)
        ?? throw new InvalidOperationException($"The server closed the socket ({CloseStatus} {CloseStatusDescription}) where a frame was expected.");

    /// <summary>The next frame whose <c>type</c> is <paramref name="type"/>, skipping others (an event still queued, say).</summary>
    public async Task<JsonElement> ReceiveAsync(string type, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        try
        {
            while (true)
            {
                var frame = await ReceiveAsync(Timeout.InfiniteTimeSpan, deadline.Token);
                if (frame.TryGetProperty("type", out var frameType) && frameType.GetString() == type)
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No {type} frame from the raw WebSocket within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }
    }

    /// <summary>Waits for the server's close frame; throws if a text frame comes first or nothing within the timeout.</summary>
    public async Task ReceiveCloseAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (await ReceiveOrCloseAsync(timeout, cancellationToken) is { } frame)
        {
            throw new InvalidOperationException($"Expected the server to close the socket, got a frame: {frame}");
        }
    }

    /// <summary>The next frame, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveOrCloseAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    using var document = JsonDocument.Parse(buffer.WrittenMemory);
                    return document.RootElement.Clone();
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No frame from the raw WebSocket within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }
    }

    /// <summary>
    /// Reads and drops frames until the server closes the socket, then returns its close status;
    /// a pending read also answers the server's pings. For clients that only hold a connection.
    /// </summary>
    public async Task<(WebSocketCloseStatus? Status, string? Description)> DrainUntilClosedAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (result.CloseStatus, result.CloseStatusDescription);
            }
        }
    }

    /// <summary>Sends the close frame without waiting for the server's (a socket being drained reads that).</summary>
    public Task CloseOutputAsync(CancellationToken cancellationToken = default) =>
        _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);

    /// <summary>Closes the socket normally (the client's side of the handshake).</summary>
    public Task CloseAsync(CancellationToken cancellationToken = default) =>
        _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private static CancellationTokenSource Deadline(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if ((timeout ?? DefaultTimeout) != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout ?? DefaultTimeout);
        }

        return deadline;
    }
}
