using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Messages;

/// <summary>
/// Answers "is this conversation stored?" for many activations with one query: callers queue ids,
/// one background reader takes everything queued (up to <see cref="MaxBatchSize"/>), looks them up
/// with one index probe each in one statement, and answers every caller.
/// </summary>
/// <remarks>
/// On a fresh server under load, hundreds of conversations activate at once for their first
/// message, and each one's snapshot read (a transaction of four queries on a pooled connection)
/// found nothing. Asked together, a conversation that does not exist yet costs a share of one
/// query; one that does exists costs that share before its snapshot read. One probe is in flight
/// at a time, so the busier the database, the larger the batches (as with the append queue).
/// </remarks>
internal sealed partial class ConversationExistenceProbe(NpgsqlDataSource dataSource, ILogger logger) : IAsyncDisposable
{
    public const int MaxBatchSize = 1000;

    private const string ExistingSql = "SELECT conversation_id FROM conversations WHERE conversation_id = ANY(@conversation_ids)";

    private readonly Channel<PendingProbe> _queue = Channel.CreateUnbounded<PendingProbe>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly Lock _gate = new();
    private Task? _readerLoop;
    private bool _disposed;

    /// <summary>True when the conversation's row is stored (committed) now.</summary>
    public Task<bool> ExistsAsync(string conversationId)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                var pending = new PendingProbe(conversationId);
                _queue.Writer.TryWrite(pending); // Unbounded and not completed before _disposed: always succeeds.
                _readerLoop ??= BackgroundLoop.Start(ReadLoopAsync);
                return pending.Answer.Task;
            }
        }

        // Reads go on after the store has stopped writing: alone, then.
        return ExistsAloneAsync(conversationId);
    }

    public async ValueTask DisposeAsync()
    {
        Task? readerLoop;
        lock (_gate)
        {
            _disposed = true;
            _queue.Writer.TryComplete();
            readerLoop = _readerLoop;
        }

        if (readerLoop is not null)
        {
            await readerLoop;
        }
    }

    private async Task ReadLoopAsync()
    {
        var batch = new List<PendingProbe>(MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var existing = await ExistingAsync([.. batch.Select(p => p.ConversationId).Distinct(StringComparer.Ordinal)]);
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetResult(existing.Contains(pending.ConversationId));
                }
            }
            catch (Exception ex)
            {
                LogProbeFailed(logger, batch.Count, ex);
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    private async Task<bool> ExistsAloneAsync(string conversationId) => (await ExistingAsync([conversationId])).Contains(conversationId);

    private async Task<HashSet<string>> ExistingAsync(string[] conversationIds)
    {
        await using var command = dataSource.CreateCommand(ExistingSql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("conversation_ids", conversationIds));
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            existing.Add(reader.GetString(0));
        }

        return existing;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing {Count} conversations for existence failed; their activations fail")]
    private static partial void LogProbeFailed(ILogger logger, int count, Exception exception);

    private sealed class PendingProbe(string conversationId)
    {
        public string ConversationId { get; } = conversationId;

        // Callers continue on the thread pool, never inline on the reader loop.
        public TaskCompletionSource<bool> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
