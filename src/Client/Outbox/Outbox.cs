using Social.Client.Realtime;

namespace Social.Client;

/// <summary>
/// Messages on their way: each gets a <c>clientMessageId</c> when queued and is sent, one at a
/// time per recipient (user or group) in the order queued, until the server acknowledges it. A transient failure
/// (no connection, a dropped invocation, 429, 503, 5xx) is retried with the same id after the
/// server's <c>Retry-After</c> or a jittered backoff, so the server stores it exactly once; a rule
/// refusal (<c>not_friends</c>, <c>blocked</c>, …) fails that message's task and the queue moves on.
/// </summary>
public sealed class Outbox : IAsyncDisposable
{
    private readonly Func<PendingMessage, CancellationToken, Task<Message>> _send;
    private readonly RealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Queue<PendingMessage>> _queues = new(StringComparer.Ordinal);
    private readonly List<Task> _pumps = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Outbox(Func<PendingMessage, CancellationToken, Task<Message>> send, RealtimeOptions options, TimeProvider time)
    {
        _send = send;
        _options = options;
        _time = time;
    }

    /// <summary>The messages not yet acknowledged, per recipient in order.</summary>
    public IReadOnlyList<PendingMessage> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _queues.Values.SelectMany(queue => queue).Where(pending => !pending.Completion.IsCompleted)];
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="content"/> for <paramref name="recipientId"/>; the task completes with
    /// the stored message once acknowledged, or fails with the rule's <see cref="SocialApiException"/>.
    /// Cancelling before the first attempt takes the message out of the queue; after that it may
    /// already be stored, so the outbox still settles it (the task is cancelled).
    /// </summary>
    public Task<Message> SendAsync(string recipientId, string content, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingMessage(recipientId, content, Guid.NewGuid().ToString("N"), toGroup: false), cancellationToken);

    /// <summary>Queues <paramref name="content"/> for the group <paramref name="conversationId"/>, as <see cref="SendAsync"/> does for a user.</summary>
    public Task<Message> SendToGroupAsync(string conversationId, string content, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingMessage(conversationId, content, Guid.NewGuid().ToString("N"), toGroup: true), cancellationToken);

    private Task<Message> Enqueue(PendingMessage pending, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var key = (pending.ToGroup ? "group:" : "user:") + pending.RecipientId;
        lock (_gate)
        {
            if (!_queues.TryGetValue(key, out var queue))
            {
                queue = new Queue<PendingMessage>();
                _queues[key] = queue;
            }

            queue.Enqueue(pending);
            if (queue.Count == 1)
            {
                _pumps.RemoveAll(task => task.IsCompleted);
                _pumps.Add(Task.Run(() => PumpAsync(key, queue), CancellationToken.None));
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => pending.Cancel(cancellationToken));
            pending.Completion.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }

        return pending.Completion;
    }

    /// <summary>The connection is back: retry what waits now rather than at its time.</summary>
    public void Wake()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            woken = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Stops sending; what is still queued fails with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        Task[] pumps;
        lock (_gate)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        foreach (var pending in Pending)
        {
            pending.Fail(new ObjectDisposedException(nameof(Outbox)));
        }

        _disposed.Dispose();
    }

    private async Task PumpAsync(string key, Queue<PendingMessage> queue)
    {
        var stop = _disposed.Token;
        while (!stop.IsCancellationRequested)
        {
            PendingMessage pending;
            lock (_gate)
            {
                if (queue.Count == 0)
                {
                    _queues.Remove(key);
                    return;
                }

                pending = queue.Peek();
            }

            await DeliverAsync(pending, stop);
            if (!stop.IsCancellationRequested)
            {
                lock (_gate)
                {
                    queue.Dequeue();
                }
            }
        }
    }

    /// <summary>Sends until acknowledged, refused by a rule, abandoned before a first attempt, or disposed.</summary>
    private async Task DeliverAsync(PendingMessage pending, CancellationToken stop)
    {
        for (var attempt = 1; !stop.IsCancellationRequested; attempt++)
        {
            if (!pending.TryStartAttempt())
            {
                return;
            }

            TimeSpan wait;
            try
            {
                pending.Succeed(await _send(pending, stop));
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocialApiException refused) when (!refused.IsTransient)
            {
                pending.Fail(refused);
                return;
            }
            catch (SocialApiException transient)
            {
                wait = transient.RetryAfter ?? Backoff.Delay(attempt, _options.FirstRetryDelay, _options.MaxRetryDelay);
            }
            catch (Exception)
            {
                // No connection, or it dropped during the call: the message may or may not be
                // stored, and the same clientMessageId settles which.
                wait = Backoff.Delay(attempt, _options.FirstRetryDelay, _options.MaxRetryDelay);
            }

            Task woken;
            lock (_gate)
            {
                woken = _wake.Task;
            }

            try
            {
                await Task.WhenAny(Task.Delay(wait, _time, stop), woken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>A message in the <see cref="Outbox"/>.</summary>
public sealed class PendingMessage
{
    private readonly TaskCompletionSource<Message> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _attempts;
    private bool _abandoned;

    internal PendingMessage(string recipientId, string content, string clientMessageId, bool toGroup)
    {
        RecipientId = recipientId;
        ToGroup = toGroup;
        Content = content;
        ClientMessageId = clientMessageId;
    }

    /// <summary>The recipient: a user, or a group's conversation id when <see cref="ToGroup"/>.</summary>
    public string RecipientId { get; }

    /// <summary>True for a group message.</summary>
    public bool ToGroup { get; }

    /// <summary>The text.</summary>
    public string Content { get; }

    /// <summary>The idempotency key every attempt carries.</summary>
    public string ClientMessageId { get; }

    /// <summary>How many times it was sent so far.</summary>
    public int Attempts
    {
        get
        {
            lock (_gate)
            {
                return _attempts;
            }
        }
    }

    internal Task<Message> Completion => _completion.Task;

    /// <summary>False once the caller cancelled before any attempt: it is never sent.</summary>
    internal bool TryStartAttempt()
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return false;
            }

            _attempts++;
            return true;
        }
    }

    internal void Succeed(Message message) => _completion.TrySetResult(message);

    internal void Fail(Exception exception) => _completion.TrySetException(exception);

    /// <summary>Never sent: it leaves the queue. Sent at least once: the caller stops waiting and the outbox settles it.</summary>
    internal void Cancel(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _abandoned = _attempts == 0;
        }

        _completion.TrySetCanceled(cancellationToken);
    }
}
