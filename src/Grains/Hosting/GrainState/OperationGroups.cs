using Social.Storage;

namespace Social.Grains.Hosting.GrainState;

/// <summary>One queued operation of an <see cref="OperationGroups{T}"/>; its task completes when its group has run.</summary>
public abstract class GroupedOperation
{
    // Callers continue on their own scheduler (a grain's) or the thread pool, never inline on the group's run.
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit: operations queued while a group runs wait and then run together as the next
/// group, with one call of the group runner (one database round trip and one transaction), so the
/// busier the store, the larger the groups. One group runs at a time; an idle queue has no task.
/// </summary>
/// <remarks>
/// The runner completes each operation of its group. If it throws, every operation of the group it
/// has not completed fails with that exception: nothing of a failed group is acknowledged.
/// </remarks>
public sealed class OperationGroups<T>(Func<IReadOnlyList<T>, Task> runGroup, int maxGroupSize)
    where T : GroupedOperation
{
    private readonly Lock _gate = new();
    private List<T> _queued = [];
    private bool _running;

    /// <summary>Queues <paramref name="operation"/>; the task completes once its group has run, and fails if the group failed.</summary>
    public Task RunAsync(T operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        lock (_gate)
        {
            _queued.Add(operation);
            if (_running)
            {
                return operation.Completion.Task;
            }

            _running = true;
        }

        _ = BackgroundLoop.Start(RunQueuedGroupsAsync);
        return operation.Completion.Task;
    }

    private async Task RunQueuedGroupsAsync()
    {
        while (TakeGroup() is { } group)
        {
            try
            {
                await runGroup(group);
            }
            catch (Exception exception)
            {
                foreach (var operation in group)
                {
                    operation.Completion.TrySetException(exception);
                }
            }

            foreach (var operation in group)
            {
                operation.Completion.TrySetException(new InvalidOperationException("The group ran without completing this operation."));
            }
        }
    }

    /// <summary>The next group in queue order, or null (and no longer running) when nothing is queued.</summary>
    private List<T>? TakeGroup()
    {
        lock (_gate)
        {
            if (_queued.Count == 0)
            {
                _running = false;
                return null;
            }

            if (_queued.Count <= maxGroupSize)
            {
                var all = _queued;
                _queued = [];
                return all;
            }

            var group = _queued.GetRange(0, maxGroupSize);
            _queued.RemoveRange(0, maxGroupSize);
            return group;
        }
    }
}
