using System.Collections.Concurrent;
using System.Diagnostics;
using Social.Client;

namespace Social.Cluster.Tests;

/// <summary>
/// A device that holds the server to the delivery guarantee (docs/api.md): a plain hub connection
/// with <c>?sequenced=true</c> (the kit's <see cref="EventRecorder"/>) that records every owed
/// event's position and every <c>resync</c>. It repairs nothing itself: only when the server
/// says <c>resync</c> does it read the watched conversation through REST, as the protocol asks a
/// client to, so a message the server lost without a resync stays missing and fails the test.
/// </summary>
internal sealed class SequencedListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<(long Epoch, long Seq, Message Message, TimeSpan At)> _pushed = new();
    private readonly ConcurrentQueue<(long Epoch, long Seq)> _resyncs = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _caughtUp = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<long> _caughtUpSeqs = [];
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private readonly Stopwatch _clock;
    private readonly Func<long, Task<List<Message>>> _history;
    private EventRecorder _hub = null!;

    private SequencedListener(Stopwatch clock, Func<long, Task<List<Message>>> history)
    {
        _clock = clock;
        _history = history;
    }

    /// <summary>Owed new_message events as they arrived: position, message, clock time.</summary>
    public IReadOnlyList<(long Epoch, long Seq, Message Message, TimeSpan At)> Pushed => [.. _pushed];

    public IReadOnlyList<(long Epoch, long Seq)> Resyncs => [.. _resyncs];

    /// <summary>When each message id was first seen, pushed or read after a resync.</summary>
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

    /// <summary>Connects to <paramref name="front"/>; <paramref name="history"/> reads the watched conversation after a seq.</summary>
    public static async Task<SequencedListener> ConnectAsync(
        Uri front, TestUser user, Stopwatch clock, Func<long, Task<List<Message>>> history, CancellationToken cancellationToken)
    {
        var listener = new SequencedListener(clock, history);
        listener._hub = EventRecorder.Create(front, user.AccessToken, sequenced: true, onHeard: listener.OnHeard);
        try
        {
            await listener._hub.Connection.StartAsync(cancellationToken);
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }

        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _catchingUp.Dispose();
    }

    private void OnHeard(HeardEvent heard)
    {
        if (heard is { Name: "new_message", Epoch: { } epoch, Seq: { } seq })
        {
            _pushed.Enqueue((epoch, seq, heard.AsMessage(), _clock.Elapsed));
        }
        else if (heard is { Name: "resync", Epoch: { } resyncEpoch, Seq: { } resyncSeq })
        {
            _resyncs.Enqueue((resyncEpoch, resyncSeq));
            _ = CatchUpAsync();
        }
    }

    /// <summary>After a resync: reads the conversation from the last seq held in order.</summary>
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
                    await Task.Delay(500); // a front or silo still recovering: try the read again
                }
            }
        }
        finally
        {
            _catchingUp.Release();
        }
    }
}
