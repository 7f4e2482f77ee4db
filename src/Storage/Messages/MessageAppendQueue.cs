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
/// Only one batch is in flight at a time, so the messages of a conversation commit in queue order,
/// and the cost of a commit is shared by everything that arrived while the previous one ran: the
/// busier the store, the larger the batches. The writer starts with the first append and stops
/// on <see cref="DisposeAsync"/>, after storing what is still queued.
/// </para>
/// <para>
/// When a conversation's messages are not stored, its later appends fail without being written
/// until the conversation is reloaded (<see cref="Reload"/>); see <see cref="FailedConversations"/>.
/// </para>
/// </remarks>
internal sealed partial class MessageAppendQueue(IMessageBatchWriter writer, ILogger logger) : IAsyncDisposable
{
    public const int MaxBatchSize = 2000;

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    // Guards the fields below. Tickets are issued and queued under it, so queue order is ticket order.
    private readonly Lock _gate = new();
    private readonly FailedConversations _failed = new();
    private long _nextTicket;
    private Task? _writerLoop;
    private bool _disposed;
    private volatile bool _awaitingWriter;
    private int _waiting;

    /// <summary>Appends queued and not yet taken into a batch (tests read it to see who waits behind a batch in flight).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>True while a batch has been handed to the writer and the queue waits for its answer, with nothing else left to do.</summary>
    internal bool AwaitingWriter => _awaitingWriter;

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
            _writerLoop ??= StartWriterLoop();
            return pending.Completion.Task;
        }
    }

    /// <summary>The conversation's writer has reloaded it: its new appends are accepted again.</summary>
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
    }

    private Task StartWriterLoop()
    {
        // The first caller's execution context (an Orleans request context, a trace) must not
        // become the ambient context of every later batch.
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(WriteLoopAsync);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>(MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                Interlocked.Decrement(ref _waiting);
                batch.Add(pending);
            }

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

            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        var writable = new List<PendingAppend>(batch.Count);
        lock (_gate)
        {
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

            _failed.Taken(batch[^1].Ticket + 1);
        }

        if (writable.Count == 0)
        {
            return;
        }

        using var span = MessageStoreTelemetry.StartBatch(writable, static p => p.Trace);
        var started = MessageStoreTelemetry.Start();
        var writing = writer.WriteAsync([.. writable.Select(p => p.Message)], Creations(writable));
        IReadOnlyDictionary<string, Exception> failures;
        _awaitingWriter = true;
        try
        {
            failures = await writing;
        }
        finally
        {
            _awaitingWriter = false;
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
