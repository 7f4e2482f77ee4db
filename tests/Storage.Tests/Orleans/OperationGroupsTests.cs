using Social.Grains.Hosting.GrainState;

namespace Social.Storage.Tests.Orleans;

/// <summary>Group commit of grain state operations, against a runner whose groups the test releases by hand.</summary>
public sealed class OperationGroupsTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Operations_queued_while_a_group_runs_run_together_as_the_next_group()
    {
        var runner = new ScriptedRunner();
        var groups = new OperationGroups<Probe>(runner.RunAsync, maxGroupSize: 100);

        var first = groups.RunAsync(new Probe(0));
        var firstGroup = await runner.NextGroupAsync();
        var waiting = Enumerable.Range(1, 50).Select(i => groups.RunAsync(new Probe(i))).ToList();

        Assert.Single(firstGroup.Operations);
        Assert.False(first.IsCompleted);
        firstGroup.Complete();
        await first.WaitAsync(WaitLimit);

        var secondGroup = await runner.NextGroupAsync();
        Assert.Equal(Enumerable.Range(1, 50), secondGroup.Operations.Select(p => p.Number));
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        secondGroup.Complete();
        await Task.WhenAll(waiting).WaitAsync(WaitLimit);
    }

    [Fact]
    public async Task A_failed_group_fails_every_operation_in_it_and_later_groups_still_run()
    {
        var runner = new ScriptedRunner();
        var groups = new OperationGroups<Probe>(runner.RunAsync, maxGroupSize: 100);

        var blocking = groups.RunAsync(new Probe(0));
        var firstGroup = await runner.NextGroupAsync();
        var doomed = Enumerable.Range(1, 20).Select(i => groups.RunAsync(new Probe(i))).ToList();
        firstGroup.Complete();
        await blocking.WaitAsync(WaitLimit);

        var failing = await runner.NextGroupAsync();
        var failure = new InvalidOperationException("commit failed");
        failing.Fail(failure);
        foreach (var task in doomed)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(WaitLimit)));
        }

        var after = groups.RunAsync(new Probe(99));
        (await runner.NextGroupAsync()).Complete();
        await after.WaitAsync(WaitLimit);
    }

    [Fact]
    public async Task A_group_that_leaves_an_operation_unanswered_fails_it_instead_of_hanging()
    {
        var groups = new OperationGroups<Probe>(_ => Task.CompletedTask, maxGroupSize: 10);

        await Assert.ThrowsAsync<InvalidOperationException>(() => groups.RunAsync(new Probe(1)).WaitAsync(WaitLimit));
    }

    [Fact]
    public async Task Concurrent_operations_each_run_exactly_once_in_groups_no_larger_than_the_limit()
    {
        const int Count = 5_000;
        var runs = new int[Count];
        var largest = 0;
        var concurrentGroups = 0;
        var groups = new OperationGroups<Probe>(async group =>
        {
            Assert.Equal(1, Interlocked.Increment(ref concurrentGroups));
            InterlockedMax(ref largest, group.Count);
            await Task.Yield();
            foreach (var probe in group)
            {
                Interlocked.Increment(ref runs[probe.Number]);
                probe.Completion.TrySetResult();
            }

            Interlocked.Decrement(ref concurrentGroups);
        }, maxGroupSize: 64);

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() => groups.RunAsync(new Probe(i))))).WaitAsync(WaitLimit);

        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.InRange(largest, 1, 64);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private sealed class Probe(int number) : GroupedOperation
    {
        public int Number { get; } = number;
    }

    /// <summary>Hands each group to the test, which completes or fails it.</summary>
    private sealed class ScriptedRunner
    {
        private readonly System.Threading.Channels.Channel<Group> _groups = System.Threading.Channels.Channel.CreateUnbounded<Group>();

        public Task RunAsync(IReadOnlyList<Probe> operations)
        {
            var group = new Group(operations);
            _groups.Writer.TryWrite(group);
            return group.Done.Task;
        }

        public async Task<Group> NextGroupAsync() => await _groups.Reader.ReadAsync().AsTask().WaitAsync(WaitLimit);
    }

    private sealed class Group(IReadOnlyList<Probe> operations)
    {
        public IReadOnlyList<Probe> Operations { get; } = operations;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete()
        {
            foreach (var probe in Operations)
            {
                probe.Completion.TrySetResult();
            }

            Done.SetResult();
        }

        public void Fail(Exception exception) => Done.SetException(exception);
    }
}
