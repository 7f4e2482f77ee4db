using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

/// <summary>The group commit queue against a writer whose every batch the test completes by hand.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes the queue through IAsyncLifetime.DisposeAsync.")]
public sealed class MessageAppendQueueTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private static readonly IReadOnlyDictionary<string, Exception> NoFailures = new Dictionary<string, Exception>();

    private readonly ScriptedWriter _writer = new();
    private readonly MessageAppendQueue _queue;

    public MessageAppendQueueTests() => _queue = new MessageAppendQueue(_writer, NullLogger.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _writer.CompleteEverythingFromNowOn();
        await _queue.DisposeAsync();
    }

    [Fact]
    public async Task An_append_completes_only_when_its_batch_is_stored()
    {
        var append = _queue.AppendAsync(Message("c", 1));
        var batch = await _writer.NextBatchAsync();

        // Once the queue waits for the writer's answer it has done everything it does before the batch is stored.
        await Eventually.WaitUntilAsync(() => _queue.AwaitingWriter, "the queue waits for the writer's answer", WaitLimit);
        Assert.False(append.IsCompleted);
        batch.Store();

        await append;
    }

    [Fact]
    public async Task Appends_made_while_a_batch_is_in_flight_go_together_into_the_next_batch()
    {
        var first = _queue.AppendAsync(Message("a", 1));
        var firstBatch = await _writer.NextBatchAsync();
        var queued = new[] { _queue.AppendAsync(Message("b", 1)), _queue.AppendAsync(Message("c", 1)), _queue.AppendAsync(Message("b", 2)) };

        firstBatch.Store();
        var secondBatch = await _writer.NextBatchAsync();

        Assert.Equal([("b", 1L), ("c", 1L), ("b", 2L)], secondBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        secondBatch.Store();
        await first;
        await Task.WhenAll(queued);
    }

    [Fact]
    public async Task A_batch_carries_each_conversation_it_creates_once_with_its_messages()
    {
        var first = _queue.AppendAsync(Message("a", 1));
        var firstBatch = await _writer.NextBatchAsync();
        var b = new NewConversation("b", ["alice", "bob"], DateTimeOffset.UnixEpoch);
        var c = new NewConversation("c", ["alice", "carol"], DateTimeOffset.UnixEpoch);
        var queued = new[]
        {
            _queue.AppendAsync(Message("b", 1), b), _queue.AppendAsync(Message("b", 2), b),
            _queue.AppendAsync(Message("c", 1), c), _queue.AppendAsync(Message("d", 7)),
        };

        Assert.Empty(firstBatch.Creations);
        firstBatch.Store();
        var secondBatch = await _writer.NextBatchAsync();

        Assert.Equal([b, c], secondBatch.Creations);
        Assert.Equal([("b", 1L), ("b", 2L), ("c", 1L), ("d", 7L)], secondBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        secondBatch.Store();
        await first;
        await Task.WhenAll(queued);
    }

    [Fact]
    public async Task Appends_queued_behind_a_failed_append_of_their_conversation_fail_without_being_written()
    {
        var failing = _queue.AppendAsync(Message("bad", 1));
        var firstBatch = await _writer.NextBatchAsync();
        var queuedBehind = _queue.AppendAsync(Message("bad", 2));
        var other = _queue.AppendAsync(Message("other", 1));

        var boom = new InvalidOperationException("boom");
        firstBatch.Fail("bad", boom);
        var secondBatch = await _writer.NextBatchAsync();

        Assert.Equal([("other", 1L)], secondBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        secondBatch.Store();
        await other;
        Assert.Same(boom, (await Assert.ThrowsAsync<MessageAppendException>(() => failing)).InnerException);
        Assert.Null((await Assert.ThrowsAsync<MessageAppendException>(() => queuedBehind)).InnerException);
    }

    [Fact]
    public async Task A_failed_conversation_refuses_appends_at_once_until_it_is_reloaded()
    {
        var failing = _queue.AppendAsync(Message("bad", 1));
        (await _writer.NextBatchAsync()).Fail("bad", new InvalidOperationException("boom"));
        await Assert.ThrowsAsync<MessageAppendException>(() => failing);

        var refused = _queue.AppendAsync(Message("bad", 1));
        Assert.True(refused.IsFaulted);
        await Assert.ThrowsAsync<MessageAppendException>(() => refused);

        _queue.Reload("bad");
        var accepted = _queue.AppendAsync(Message("bad", 1));
        (await _writer.NextBatchAsync()).Store();
        await accepted;
    }

    [Fact]
    public async Task A_writer_that_throws_fails_its_batch_and_the_queue_keeps_writing()
    {
        var failing = _queue.AppendAsync(Message("c", 1));
        (await _writer.NextBatchAsync()).Throw(new InvalidOperationException("bug"));
        await Assert.ThrowsAsync<MessageAppendException>(() => failing);

        var other = _queue.AppendAsync(Message("d", 1));
        (await _writer.NextBatchAsync()).Store();
        await other;
    }

    [Fact]
    public async Task Disposing_waits_for_the_queued_appends_and_later_appends_fail()
    {
        var first = _queue.AppendAsync(Message("c", 1));
        var firstBatch = await _writer.NextBatchAsync();
        var queued = _queue.AppendAsync(Message("c", 2));

        var disposing = _queue.DisposeAsync().AsTask();
        firstBatch.Store();
        (await _writer.NextBatchAsync()).Store();
        await disposing;

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(queued.IsCompletedSuccessfully);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _queue.AppendAsync(Message("c", 3)));
    }

    private static StoredMessage Message(string conversationId, long seq) =>
        new(conversationId, seq, "alice", "bob", "hi", DateTimeOffset.UnixEpoch, IsGreeting: false, ClientMessageId: null);

    private sealed class ScriptedWriter : IMessageBatchWriter
    {
        private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>();
        private readonly ConcurrentQueue<Batch> _handedOut = new();
        private volatile bool _storeEverything;

        public Task<IReadOnlyDictionary<string, Exception>> WriteAsync(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
        {
            var batch = new Batch(messages, creations);
            _handedOut.Enqueue(batch);
            if (_storeEverything)
            {
                batch.Store();
            }
            else
            {
                _batches.Writer.TryWrite(batch);
            }

            return batch.Outcome.Task;
        }

        public async Task<Batch> NextBatchAsync() => await _batches.Reader.ReadAsync().AsTask().WaitAsync(WaitLimit);

        /// <summary>Stores every batch not yet answered, also one a failed test took and left, so disposing the queue ends.</summary>
        public void CompleteEverythingFromNowOn()
        {
            _storeEverything = true;
            foreach (var batch in _handedOut)
            {
                batch.Store();
            }
        }
    }

    private sealed class Batch(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
    {
        public IReadOnlyList<StoredMessage> Messages { get; } = messages;

        public IReadOnlyList<NewConversation> Creations { get; } = creations;

        public TaskCompletionSource<IReadOnlyDictionary<string, Exception>> Outcome { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Store() => Outcome.TrySetResult(NoFailures);

        public void Fail(string conversationId, Exception error) =>
            Outcome.TrySetResult(new Dictionary<string, Exception> { [conversationId] = error });

        public void Throw(Exception error) => Outcome.TrySetException(error);
    }
}
