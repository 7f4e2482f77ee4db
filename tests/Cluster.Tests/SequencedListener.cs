using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Cluster.Tests;

/// <summary>
/// A client that holds the server to the delivery guarantee (docs/api.md): a hub connection with
/// <c>?sequenced=true</c> that records every owed event's position and every <c>resync</c>, and on
/// a resync catches one conversation up through REST, as a real client would.
/// </summary>
public sealed class SequencedListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<(long Epoch, long Seq, ReceivedMessage Message, TimeSpan At)> _pushed = new();
    private readonly ConcurrentQueue<(long Epoch, long Seq)> _resyncs = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _caughtUp = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock;
    private readonly Func<long, Task<List<ReceivedMessage>>> _history;
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private readonly ConcurrentBag<long> _caughtUpSeqs = [];

    private SequencedListener(HubConnection connection, Stopwatch clock, Func<long, Task<List<ReceivedMessage>>> history)
    {
        Connection = connection;
        _clock = clock;
        _history = history;
        connection.On<JsonElement, JsonElement>("new_message", (payload, position) =>
            _pushed.Enqueue((position.GetProperty("epoch").GetInt64(), position.GetProperty("seq").GetInt64(), ReceivedMessage.From(payload), clock.Elapsed)));
        connection.On<JsonElement>("resync", position =>
        {
            _resyncs.Enqueue((position.GetProperty("epoch").GetInt64(), position.GetProperty("seq").GetInt64()));
            _ = CatchUpAsync();
        });
    }

    public HubConnection Connection { get; }

    /// <summary>Owed new_message events as they arrived: position, message, clock time.</summary>
    public IReadOnlyList<(long Epoch, long Seq, ReceivedMessage Message, TimeSpan At)> Pushed => [.. _pushed];

    public IReadOnlyList<(long Epoch, long Seq)> Resyncs => [.. _resyncs];

    /// <summary>When each message id was first seen, pushed or caught up.</summary>
    public IReadOnlyDictionary<string, TimeSpan> FirstSeen
    {
        get
        {
            var seen = new Dictionary<string, TimeSpan>(_caughtUp, StringComparer.Ordinal);
            foreach (var (_, _, message, at) in _pushed)
            {
                if (!seen.TryGetValue(message.MessageId, out var earlier) || at < earlier)
                {
                    seen[message.MessageId] = at;
                }
            }

            return seen;
        }
    }

    /// <summary>Connects over WebSockets; <paramref name="history"/> reads the watched conversation after a seq.</summary>
    public static async Task<SequencedListener> ConnectAsync(
        Uri hub, TestUser user, Stopwatch clock, Func<long, Task<List<ReceivedMessage>>> history, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(hub, "?sequenced=true"), HttpTransportType.WebSockets, options => options.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken))
            .Build();
        var listener = new SequencedListener(connection, clock, history);
        await connection.StartAsync(cancellationToken);
        return listener;
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
        _catchingUp.Dispose();
    }

    private async Task CatchUpAsync()
    {
        await _catchingUp.WaitAsync();
        try
        {
            var known = FirstSeen;
            var contiguous = 0L;
            var seqs = _pushed.Select(p => p.Message.Seq).Concat(_caughtUpSeqs).ToHashSet();
            while (seqs.Contains(contiguous + 1))
            {
                contiguous++;
            }

            for (var attempt = 0; attempt < 10; attempt++)
            {
                try
                {
                    foreach (var message in await _history(contiguous))
                    {
                        _caughtUpSeqs.Add(message.Seq);
                        if (!known.ContainsKey(message.MessageId))
                        {
                            _caughtUp.TryAdd(message.MessageId, _clock.Elapsed);
                        }
                    }

                    return;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
            }
        }
        finally
        {
            _catchingUp.Release();
        }
    }
}
