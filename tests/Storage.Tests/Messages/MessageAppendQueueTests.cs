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

    // The same queue with two batches in flight at once.
    private readonly ScriptedWriter _pipelinedWriter = new();
    private readonly MessageAppendQueue _pipelined;

    public MessageAppendQueueTests()
    {
        _queue = new MessageAppendQueue(_writer, NullLogger.Instance);
        _pipelined = new MessageAppendQueue(_pipelinedWriter, NullLogger.Instance, batchesInFlight: 2);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _writer.CompleteEverythingFromNowOn();
        _pipelinedWriter.CompleteEverythingFromNowOn();
        await _queue.DisposeAsync();
        await _pipelined.DisposeAsync();
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

    [Fact]
    public async Task With_two_batches_in_flight_an_append_to_another_conversation_does_not_wait_for_the_first_batch()
    {
        var first = _pipelined.AppendAsync(Message("a", 1));
        var firstBatch = await _pipelinedWriter.NextBatchAsync();
        var other = _pipelined.AppendAsync(Message("b", 1));

        var secondBatch = await _pipelinedWriter.NextBatchAsync(); // while the first is still in flight
        Assert.Equal([("b", 1L)], secondBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        secondBatch.Store();
        await other;
        Assert.False(first.IsCompleted);
        firstBatch.Store();
        await first;
    }

    [Fact]
    public async Task Appends_to_a_conversation_with_a_batch_in_flight_wait_for_it_and_keep_their_order()
    {
        var first = _pipelined.AppendAsync(Message("a", 1));
        var firstBatch = await _pipelinedWriter.NextBatchAsync();
        var held = new[] { _pipelined.AppendAsync(Message("a", 2)), _pipelined.AppendAsync(Message("a", 3)) };
        var other = _pipelined.AppendAsync(Message("b", 1));

        var secondBatch = await _pipelinedWriter.NextBatchAsync();
        Assert.Equal([("b", 1L)], secondBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        var later = _pipelined.AppendAsync(Message("a", 4)); // behind the held ones, also once "a" is free
        firstBatch.Store();

        var thirdBatch = await _pipelinedWriter.NextBatchAsync();
        Assert.Equal([("a", 2L), ("a", 3L), ("a", 4L)], thirdBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        thirdBatch.Store();
        secondBatch.Store();
        await Task.WhenAll([first, other, later, .. held]);
    }

    [Fact]
    public async Task Appends_held_behind_a_failed_batch_of_their_conversation_fail_without_being_written()
    {
        var failing = _pipelined.AppendAsync(Message("bad", 1));
        var firstBatch = await _pipelinedWriter.NextBatchAsync();
        var heldBehind = _pipelined.AppendAsync(Message("bad", 2));
        var other = _pipelined.AppendAsync(Message("other", 1));
        var secondBatch = await _pipelinedWriter.NextBatchAsync();

        firstBatch.Fail("bad", new InvalidOperationException("boom"));
        await Assert.ThrowsAsync<MessageAppendException>(() => failing);
        Assert.Null((await Assert.ThrowsAsync<MessageAppendException>(() => heldBehind)).InnerException);
        secondBatch.Store();
        await other;

        var after = _pipelined.AppendAsync(Message("other", 2));
        var nextBatch = await _pipelinedWriter.NextBatchAsync();
        Assert.Equal([("other", 2L)], nextBatch.Messages.Select(m => (m.ConversationId, m.Seq))); // "bad" 2 was never written
        nextBatch.Store();
        await after;
    }

    [Fact]
    public async Task Disposing_a_pipelined_queue_writes_the_held_appends_too()
    {
        var first = _pipelined.AppendAsync(Message("c", 1));
        var firstBatch = await _pipelinedWriter.NextBatchAsync();
        var held = _pipelined.AppendAsync(Message("c", 2));

        var disposing = _pipelined.DisposeAsync().AsTask();
        firstBatch.Store();
        var heldBatch = await _pipelinedWriter.NextBatchAsync();
        Assert.Equal([("c", 2L)], heldBatch.Messages.Select(m => (m.ConversationId, m.Seq)));
        heldBatch.Store();
        await disposing;

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(held.IsCompletedSuccessfully);
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
