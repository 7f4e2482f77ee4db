using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Social.Storage.Messages;

/// <summary>
/// Group commit for appends: callers queue messages; one background writer takes everything
/// queued (up to <see cref="MaxBatchSize"/>), stores it with one <see cref="IMessageBatchWriter"/>
/// call, and only then completes each caller's task.
/// </summary>
/// <remarks>
/// <para>
/// With one batch in flight at a time (the default), the cost of a commit is shared by everything
/// that arrived while the previous one ran: the busier the store, the larger the batches. With
/// more (<c>batchesInFlight</c>), appends that arrive while batches run start the next batch at
/// once instead of waiting for them, as long as their conversation has no batch in flight: a
/// conversation's appends are held back until its batch has ended, so they still commit in queue
/// order. The writer starts with the first append and stops on <see cref="DisposeAsync"/>, after
/// storing what is still queued.
/// </para>
/// <para>
/// When a conversation's messages are not stored, its later appends fail without being written
/// until the conversation is reloaded (<see cref="Reload"/>); see <see cref="FailedConversations"/>.
/// </para>
/// </remarks>
internal sealed partial class MessageAppendQueue(IMessageBatchWriter writer, ILogger logger, int batchesInFlight = 1) : IAsyncDisposable
{
    public const int MaxBatchSize = 2000;

    private readonly int _batchesInFlight = batchesInFlight >= 1 ? batchesInFlight : throw new ArgumentOutOfRangeException(nameof(batchesInFlight));

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // Guards the fields below. Tickets are issued and queued under it, so queue order is ticket order.
    private readonly Lock _gate = new();
    private readonly FailedConversations _failed = new();
    private long _nextTicket;
    private Task? _writerLoop;
    private bool _disposed;
    private int _awaitingWriter;
    private int _waiting;

    /// <summary>Appends queued and not yet taken into a batch (tests read it to see who waits behind a batch in flight).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>True while a batch has been handed to the writer and the queue waits for its answer, with nothing else left to do.</summary>
    internal bool AwaitingWriter => Volatile.Read(ref _awaitingWriter) > 0;

    /// <summary>
    /// Queues <paramref name="message"/> (with its conversation's creation, when given); the task
    /// completes once it is committed and fails if it is not.
    /// </summary>
    public Task AppendAsync(StoredMessage message, NewConversation? creates = null)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromException(new ObjectDisposedException(nameof(MessageAppendQueue)));
            }

            if (_failed.RefusesNew(message.ConversationId))
            {
                return Task.FromException(MessageAppendException.Refused(message));
            }

            var pending = new PendingAppend(message, creates, _nextTicket++);
            Interlocked.Increment(ref _waiting);
            _queue.Writer.TryWrite(pending); // Unbounded and not completed before _disposed: always succeeds.
            _writerLoop ??= BackgroundLoop.Start(WriteLoopAsync);
            return pending.Completion.Task;
        }
    }

    /// <summary>The conversation's writer has reloaded it: its new appends are accepted again.</summary>
    /// <summary>The writer's warm-up (<see cref="IMessageBatchWriter.WarmUpAsync"/>), beside any batch in flight.</summary>
    public Task WarmUpAsync() => writer.WarmUpAsync();

    public void Reload(string conversationId)
    {
        lock (_gate)
        {
            _failed.Reload(conversationId);
        }
    }

    /// <summary>Stops accepting appends and waits until everything queued has been written.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? writerLoop;
        lock (_gate)
        {
            _disposed = true;
            _queue.Writer.TryComplete();
            writerLoop = _writerLoop;
        }

        if (writerLoop is not null)
        {
            await writerLoop;
        }

        (writer as IDisposable)?.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        // Taken from the channel but held back: their conversation has a batch in flight.
        var held = new List<PendingAppend>();
        var busy = new HashSet<string>(StringComparer.Ordinal);
        var running = new List<(Task Writing, List<PendingAppend> Batch)>(_batchesInFlight);
        Task<bool>? readable = null;
        var open = true;
        while (true)
        {
            while (running.Count < _batchesInFlight && TakeBatch(held, busy) is { Count: > 0 } batch)
            {
                foreach (var pending in batch)
                {
                    busy.Add(pending.Message.ConversationId);
                }

                running.Add((WriteOrFailBatchAsync(batch), batch));
            }

            if (!open && running.Count == 0 && held.Count == 0)
            {
                return;
            }

            // Wait for a batch to end, or for the next append when another batch could start.
            var waits = running.ConvertAll(r => r.Writing);
            if (open && running.Count < _batchesInFlight)
            {
                readable ??= _queue.Reader.WaitToReadAsync().AsTask();
                waits.Add(readable);
            }

            await Task.WhenAny(waits);
            if (readable is { IsCompleted: true })
            {
                open = await readable;
                readable = null;
            }

            for (var i = running.Count - 1; i >= 0; i--)
            {
                if (running[i].Writing.IsCompleted)
                {
                    foreach (var pending in running[i].Batch)
                    {
                        busy.Remove(pending.Message.ConversationId);
                    }

                    running.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// The next batch: held appends whose conversation is free again, then queued ones, up to
    /// <see cref="MaxBatchSize"/>; stale appends fail here instead of being written.
    /// </summary>
    private List<PendingAppend> TakeBatch(List<PendingAppend> held, HashSet<string> busy)
    {
        var batch = new List<PendingAppend>();

        // Conversations with an append still held: their later appends are held too, so that
        // none overtakes an earlier one.
        HashSet<string>? stillHeld = null;
        var kept = 0;
        for (var i = 0; i < held.Count; i++)
        {
            var pending = held[i];
            if (!Hold(pending))
            {
                batch.Add(pending);
            }
            else
            {
                held[kept++] = pending;
            }
        }

        held.RemoveRange(kept, held.Count - kept);
        long? lastRead = null;
        while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending))
        {
            lastRead = pending.Ticket;
            if (Hold(pending))
            {
                held.Add(pending);
            }
            else
            {
                batch.Add(pending);
            }
        }

        Interlocked.Add(ref _waiting, -batch.Count);
        lock (_gate)
        {
            var writable = new List<PendingAppend>(batch.Count);
            foreach (var pending in batch)
            {
                if (_failed.IsStale(pending.Message.ConversationId, pending.Ticket))
                {
                    pending.Completion.TrySetException(MessageAppendException.Refused(pending.Message));
                }
                else
                {
                    writable.Add(pending);
                }
            }

            // Held appends are not taken yet: a reload must still find them stale.
            if (held.Count > 0)
            {
                _failed.Taken(held[0].Ticket);
            }
            else if (lastRead is { } last)
            {
                _failed.Taken(last + 1);
            }

            return writable;
        }

        bool Hold(PendingAppend pending)
        {
            var conversationId = pending.Message.ConversationId;
            if (batch.Count < MaxBatchSize && !busy.Contains(conversationId) && stillHeld?.Contains(conversationId) != true)
            {
                return false;
            }

            (stillHeld ??= new HashSet<string>(StringComparer.Ordinal)).Add(conversationId);
            return true;
        }
    }

    private async Task WriteOrFailBatchAsync(List<PendingAppend> batch)
    {
        try
        {
            await WriteBatchAsync(batch);
        }
        catch (Exception ex)
        {
            // A bug, not a database error (the writer reports those): keep the loop alive.
            LogUnexpectedFailure(logger, ex);
            lock (_gate)
            {
                foreach (var pending in batch.Where(p => !p.Completion.Task.IsCompleted))
                {
                    _failed.Failed(pending.Message.ConversationId, _nextTicket);
                    pending.Completion.TrySetException(MessageAppendException.Failed(pending.Message, ex));
                }
            }
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> writable)
    {
        using var span = MessageStoreTelemetry.StartBatch(writable, static p => p.Trace);
        var started = MessageStoreTelemetry.Start();
        var writing = writer.WriteAsync([.. writable.Select(p => p.Message)], Creations(writable));
        IReadOnlyDictionary<string, Exception> failures;
        Interlocked.Increment(ref _awaitingWriter);
        try
        {
            failures = await writing;
        }
        finally
        {
            Interlocked.Decrement(ref _awaitingWriter);
        }
        MessageStoreTelemetry.BatchWritten(started, writable.Count, failures.Count == 0 ? writable.Count : writable.Count(p => !failures.ContainsKey(p.Message.ConversationId)));

        if (failures.Count > 0)
        {
            // Before any caller learns the outcome, so a caller that reacts by appending again is refused.
            lock (_gate)
            {
                foreach (var conversationId in failures.Keys)
                {
                    _failed.Failed(conversationId, _nextTicket);
                }
            }
        }

        foreach (var pending in writable)
        {
            if (failures.TryGetValue(pending.Message.ConversationId, out var error))
            {
                pending.Completion.TrySetException(MessageAppendException.Failed(pending.Message, error));
            }
            else
            {
                pending.Completion.TrySetResult();
            }
        }
    }

    /// <summary>The conversations the batch creates, once each.</summary>
    private static List<NewConversation> Creations(List<PendingAppend> batch)
    {
        var creations = new List<NewConversation>();
        HashSet<string>? seen = null;
        foreach (var pending in batch)
        {
            if (pending.Creates is { } creates && (seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(creates.ConversationId))
            {
                creations.Add(creates);
            }
        }

        return creations;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The message append queue failed unexpectedly; the batch's appends fail")]
    private static partial void LogUnexpectedFailure(ILogger logger, Exception exception);

    private sealed class PendingAppend(StoredMessage message, NewConversation? creates, long ticket)
    {
        public StoredMessage Message { get; } = message;

        public NewConversation? Creates { get; } = creates;

        public long Ticket { get; } = ticket;

        // The sender's trace, so the batch that stores the message joins it.
        public ActivityContext Trace { get; } = MessageStoreTelemetry.CurrentTrace();

        // Callers continue on the thread pool, never inline on the writer loop.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
