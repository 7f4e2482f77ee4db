using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Cluster.Tests;

/// <summary>One connection's server events, by the contract's event name, in arrival order.</summary>
public abstract class UserEvents : IAsyncDisposable
{
    public static readonly string[] Names = ["new_message", "read_receipt", "friend_request", "friend_accepted", "typing", "error"];
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Channel<JsonElement>> _events = Names.ToDictionary(name => name, _ => Channel.CreateUnbounded<JsonElement>(), StringComparer.Ordinal);

    /// <summary>The next event called <paramref name="name"/> (waits up to 30 s).</summary>
    public async Task<JsonElement> NextAsync(string name)
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        try
        {
            return await _events[name].Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{GetType().Name}: no {name} event within {EventTimeout.TotalSeconds} s.");
        }
    }

    public abstract ValueTask DisposeAsync();

    protected void Record(string name, JsonElement payload)
    {
        if (_events.TryGetValue(name, out var channel))
        {
            channel.Writer.TryWrite(payload);
        }
    }
}

/// <summary>A real SignalR client of <c>/hubs/messages</c> (JSON protocol).</summary>
public sealed class HubEvents : UserEvents
{
    private HubEvents(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in Names)
        {
            connection.On<JsonElement>(name, payload => Record(name, payload));
        }
    }

    public HubConnection Connection { get; }

    public static async Task<HubEvents> ConnectAsync(Uri front, string accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(front, "/hubs/messages"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();
        var events = new HubEvents(connection);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.StartAsync(timeout.Token);
        return events;
    }

    public override async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

/// <summary>A plain <see cref="ClientWebSocket"/> speaking the seed's protocol on <c>/ws/messages</c>.</summary>
public sealed class SocketEvents : UserEvents
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private SocketEvents(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Connects and authenticates; the answer to the auth frame (<c>auth_ok</c> or the error) is returned with the socket.</summary>
    public static async Task<(SocketEvents? Events, JsonElement Answer)> ConnectAsync(Uri front, string token)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri($"ws://{front.Authority}/ws/messages"), timeout.Token);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { action = "auth", token }), WebSocketMessageType.Text, true, timeout.Token);
        var answer = await ReceiveFrameAsync(socket, timeout.Token) ?? throw new InvalidOperationException("The socket closed without answering the auth frame.");
        if (answer.GetProperty("type").GetString() != "auth_ok")
        {
            socket.Dispose();
            return (null, answer);
        }

        return (new SocketEvents(socket), answer);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await ReceiveFrameAsync(_socket, _stop.Token) is { } frame)
        {
            if (frame.TryGetProperty("type", out var type) && frame.TryGetProperty("data", out var data))
            {
                Record(type.GetString()!, data);
            }
        }
    }

    private static async Task<JsonElement?> ReceiveFrameAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan)).RootElement.Clone();
            }
        }
    }
}
