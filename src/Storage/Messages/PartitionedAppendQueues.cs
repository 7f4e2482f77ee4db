using Microsoft.Extensions.Logging;

namespace Social.Storage.Messages;

/// <summary>
/// Several <see cref="MessageAppendQueue"/>s side by side, each with its own writer, so batches
/// commit in parallel. A conversation always goes to the same queue (chosen by its id), so its
/// messages still commit in seq order and its failure rule still holds.
/// </summary>
/// <remarks>One queue keeps one PostgreSQL backend busy and caps a silo's durable sends (figures: BENCHMARKS.md, "Messages").</remarks>
internal sealed class PartitionedAppendQueues : IAsyncDisposable
{
    private readonly MessageAppendQueue[] _queues;

    public PartitionedAppendQueues(int count, Func<IMessageBatchWriter> writer, ILogger logger, int batchesInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _queues = [.. Enumerable.Range(0, count).Select(_ => new MessageAppendQueue(writer(), logger, batchesInFlight))];
    }

    public Task AppendAsync(StoredMessage message, NewConversation? creates = null) => QueueOf(message.ConversationId).AppendAsync(message, creates);

    /// <summary>How many queues commit side by side.</summary>
    public int Count => _queues.Length;

    /// <summary>Which queue takes the conversation's appends (0-based).</summary>
    public int LaneOf(string conversationId) => (StringComparer.Ordinal.GetHashCode(conversationId) & int.MaxValue) % _queues.Length;

    /// <summary>Appends queued in all lanes and not yet taken into a batch.</summary>
    public int Waiting => _queues.Sum(queue => queue.Waiting);

    public Task WarmUpAsync() => Task.WhenAll(_queues.Select(queue => queue.WarmUpAsync()));

    public void Reload(string conversationId) => QueueOf(conversationId).Reload(conversationId);

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            await queue.DisposeAsync();
        }
    }

    // Queues live in this process only, so the process's string hash is stable enough.
    private MessageAppendQueue QueueOf(string conversationId) => _queues[LaneOf(conversationId)];
}
