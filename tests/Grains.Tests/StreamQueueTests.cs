using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using Orleans.Providers;
using Orleans.Runtime;
using Social.Grains.Realtime;

namespace Social.Grains.Tests;

/// <summary>
/// The users' event streams' queue grain: a read of an empty queue waits for the next event,
/// so pulling agents see events when they are enqueued instead of at their next poll.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class StreamQueueTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private IMemoryStreamQueueGrain NewQueue() => _grains.GetGrain<IMemoryStreamQueueGrain>(Guid.NewGuid());

    private static MemoryMessageData Event(string text) => new()
    {
        StreamId = StreamId.Create("test", "stream"),
        EnqueueTimeUtc = DateTime.UtcNow,
        Payload = new ArraySegment<byte>(Encoding.UTF8.GetBytes(text)),
    };

    private static string Text(MemoryMessageData data) => Encoding.UTF8.GetString(data.Payload);

    [Fact]
    public void The_cluster_resolves_the_memory_queue_interface_to_the_waking_queue()
    {
        var queue = NewQueue();

        Assert.Equal("wakingstreamqueue", queue.GetGrainId().Type.ToString());
    }

    [Fact]
    public void A_read_inside_a_silo_shares_the_events_bytes_instead_of_copying_them()
    {
        // Orleans copies the result of every call between grains of one silo; for a read of the
        // queue that meant every event's bytes, twice.
        var silo = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary);
        var copier = silo.SiloHost.Services.GetRequiredService<DeepCopier<List<MemoryMessageData>>>();
        var read = new List<MemoryMessageData> { Event("first"), Event("second") };

        var copy = Assert.IsType<List<MemoryMessageData>>(copier.Copy(read));

        Assert.NotSame(read, copy);
        Assert.Equal(["first", "second"], copy.Select(Text));
        Assert.All(read.Zip(copy), pair => Assert.Same(pair.First.Payload.Array, pair.Second.Payload.Array));
    }

    [Fact]
    public async Task A_read_of_an_empty_queue_returns_the_event_enqueued_while_it_waits()
    {
        // A queue that answers at once returns its read empty before the event comes, every
        // time. A waiting read can only miss it when the pause below outlasts its wait on a
        // stalled machine, so a fresh queue is tried a few times.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var queue = NewQueue();
            await queue.Dequeue(0); // activates the queue, so the next read is the one that waits

            var read = queue.Dequeue(10);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            await queue.Enqueue(Event("first"));
            var batch = await read;

            if (batch.Count > 0)
            {
                Assert.Equal(["first"], batch.Select(Text));
                return;
            }
        }

        Assert.Fail("Every read ended empty although an event was enqueued while it was open.");
    }

    [Fact]
    public async Task A_read_that_nothing_arrives_for_ends_empty()
    {
        var batch = await NewQueue().Dequeue(10).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(batch);
    }

    [Fact]
    public async Task Events_leave_in_order_with_rising_sequence_numbers_up_to_the_count_asked_for()
    {
        var queue = NewQueue();
        foreach (var text in new[] { "a", "b", "c" })
        {
            await queue.Enqueue(Event(text));
        }

        var first = await queue.Dequeue(2);
        var second = await queue.Dequeue(2);

        Assert.Equal(["a", "b"], first.Select(Text));
        Assert.Equal(["c"], second.Select(Text));
        var numbers = first.Concat(second).Select(data => data.SequenceNumber).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal(3, numbers.Distinct().Count());
    }

    [Fact]
    public async Task A_full_queue_refuses_the_next_event_and_keeps_the_ones_it_holds()
    {
        var queue = NewQueue();
        await Task.WhenAll(Enumerable.Range(0, WakingStreamQueueGrain.MaxEventCount).Select(i => queue.Enqueue(Event("e"))));

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Enqueue(Event("one too many")));
        var drained = await queue.Dequeue(-1);
        Assert.Equal(WakingStreamQueueGrain.MaxEventCount, drained.Count);
    }
}
