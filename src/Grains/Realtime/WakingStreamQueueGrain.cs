using Microsoft.Extensions.Hosting;
using Orleans.Concurrency;
using Orleans.Providers;

namespace Social.Grains.Realtime;

/// <summary>
/// The queue behind the users' event streams, in place of Orleans' <see cref="MemoryStreamQueueGrain"/>
/// (<see cref="Hosting.StreamingSetup"/> swaps it in): the same bounded FIFO, but a read of an
/// empty queue waits up to <see cref="LongestWait"/> for the next event instead of answering
/// at once. The pulling agent reads again as soon as a read returns events, so an event reaches
/// it when it is enqueued rather than at the agent's next poll. Reentrant, so enqueues run while
/// a read waits; every turn still runs on the activation's one thread. Once the process begins
/// to stop, reads answer at once: a read still waiting when the silo stops would be cancelled,
/// and every pulling agent would log that as an error.
/// </summary>
[Reentrant]
public sealed class WakingStreamQueueGrain(IHostApplicationLifetime lifetime) : Grain, IMemoryStreamQueueGrain, IGrainMigrationParticipant
{
    /// <summary>
    /// Bounded well below grain call timeouts, so an agent that is stopping (its queue moving to
    /// another silo) waits at most this long for its last read.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(500);

    /// <summary>Orleans' limit for a memory stream queue; an enqueue past it fails and the publisher retries.</summary>
    public const int MaxEventCount = 16384;

    private const string QueueKey = "queue";

    private Queue<MemoryMessageData> _events = new();
    private long _nextSequenceNumber = DateTime.UtcNow.Ticks;
    private TaskCompletionSource? _eventArrived;

    public Task Enqueue(MemoryMessageData data)
    {
        if (_events.Count >= MaxEventCount)
        {
            throw new InvalidOperationException($"The stream queue is full ({MaxEventCount} events).");
        }

        data.SequenceNumber = _nextSequenceNumber++;
        _events.Enqueue(data);
        _eventArrived?.TrySetResult();
        _eventArrived = null;
        return Task.CompletedTask;
    }

    public async Task<List<MemoryMessageData>> Dequeue(int maxCount)
    {
        var stopping = lifetime.ApplicationStopping;
        if (_events.Count == 0 && maxCount != 0 && !stopping.IsCancellationRequested)
        {
            var arrived = _eventArrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = stopping.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), arrived);

            // Back on the activation's scheduler whether an event came, the wait ran out or the process is stopping.
            await arrived.Task.WaitAsync(LongestWait)
                .ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        }

        var count = maxCount < 0 ? _events.Count : Math.Min(maxCount, _events.Count);
        var batch = new List<MemoryMessageData>(count);
        for (var i = 0; i < count; i++)
        {
            batch.Add(_events.Dequeue());
        }

        return batch;
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext) =>
        dehydrationContext.TryAddValue(QueueKey, _events);

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<Queue<MemoryMessageData>>(QueueKey, out var events) && events is not null)
        {
            _events = events;
        }
    }
}
