using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Cluster.Tests;

/// <summary>
/// A real SignalR client of <c>/hubs/messages</c> with automatic reconnect, recording every
/// <c>new_message</c> it hears and every change of its connection's state, with times.
/// </summary>
public sealed class HubListener : IAsyncDisposable
{
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _arrivals = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock;

    private HubListener(HubConnection connection, Stopwatch clock)
    {
        Connection = connection;
        _clock = clock;
        connection.On<JsonElement>("new_message", payload =>
        {
            var message = ReceivedMessage.From(payload);
            _arrivals.TryAdd(message.Content, clock.Elapsed);
            _received.Enqueue(message);
            _messages.Writer.TryWrite(message);
        });
        connection.Reconnecting += error =>
        {
            Note($"reconnecting ({error?.GetType().Name ?? "no error"})");
            return Task.CompletedTask;
        };
        connection.Reconnected += id =>
        {
            Note("reconnected");
            ReconnectedAt ??= clock.Elapsed;
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            Note($"closed ({error?.GetType().Name ?? "no error"})");
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Every message pushed to this connection, in arrival order.</summary>
    public IReadOnlyCollection<ReceivedMessage> Received => _received;

    /// <summary>When a message with this content first arrived (clock time).</summary>
    public TimeSpan? ArrivalOf(string content) => _arrivals.TryGetValue(content, out var at) ? at : null;

    /// <summary>State changes, each with the clock's time.</summary>
    public IReadOnlyCollection<string> Events => _events;

    /// <summary>When the connection first came back after a loss (clock time).</summary>
    public TimeSpan? ReconnectedAt { get; private set; }

    /// <summary>Connects to <paramref name="hub"/> as <paramref name="user"/>, over WebSockets, reconnecting after 0, 0.5, 1, 2, 2, ... s.</summary>
    public static async Task<HubListener> ConnectAsync(Uri hub, TestUser user, Stopwatch clock, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, HttpTransportType.WebSockets, options => options.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken))
            .WithAutomaticReconnect(new BackoffPolicy())
            .Build();
        var listener = new HubListener(connection, clock);
        await connection.StartAsync(cancellationToken);
        listener.Note("connected");
        return listener;
    }

    /// <summary>The next pushed message with this content, skipping others; null if none comes within <paramref name="timeout"/>.</summary>
    public Task<ReceivedMessage?> WaitForAsync(string content, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(message => message.Content == content, timeout, cancellationToken);

    /// <summary>The next pushed message that matches, skipping others; null if none comes within <paramref name="timeout"/>.</summary>
    public async Task<ReceivedMessage?> WaitForAsync(Func<ReceivedMessage, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(deadline.Token);
                if (match(message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Connection.StopAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or System.Net.WebSockets.WebSocketException)
        {
            // The server may be gone.
        }

        await Connection.DisposeAsync();
    }

    private void Note(string what) => _events.Enqueue($"{_clock.Elapsed.TotalSeconds:F2}s {what}");

    /// <summary>Retries quickly at first, then every 2 s, for up to a minute.</summary>
    private sealed class BackoffPolicy : IRetryPolicy
    {
        private static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime > TimeSpan.FromMinutes(1) ? null
            : retryContext.PreviousRetryCount < Delays.Length ? Delays[retryContext.PreviousRetryCount]
            : TimeSpan.FromSeconds(2);
    }
}
