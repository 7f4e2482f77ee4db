namespace Social.Storage.Messages;

/// <summary>
/// A thread of its own for one message writer's group commits, which it runs with Npgsql's
/// synchronous calls; the caller's continuation (completing the batch's appends, taking the next
/// batch) runs on it too, right after the commit.
/// </summary>
/// <remarks>
/// On a busy machine the answer to an asynchronous commit waits twice more before anything acts on
/// it: for the socket engine's thread, then for a thread-pool thread, behind whatever is queued
/// there. A thread blocked in the commit is woken by the kernel as soon as PostgreSQL answers. At
/// 2,000 msg/s on 2 cores a commit's p99 was 9–18 ms (median 11) against 10–20 (median 16) without
/// it (BENCHMARKS.md, "Push path, fifth round").
/// The idle thread waits on a monitor, which sleeps at once: a <c>BlockingCollection</c> spun
/// first (<c>sched_yield</c>), about 2 % of the server's CPU at 2,000 msg/s on a machine with no
/// core to spare (BENCHMARKS.md, "Push path, seventh round").
/// </remarks>
internal sealed class CommitThread : IDisposable
{
    private readonly Queue<Action> _work = new();
    private bool _completed;

    public CommitThread(string name)
    {
        // UnsafeStart: the thread must not keep the execution context of whoever created the store.
        new Thread(RunWork) { IsBackground = true, Name = name }.UnsafeStart();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this thread, after the work queued before it, in the caller's
    /// execution context (so the database call's trace span is a child of the caller's).
    /// </summary>
    public Task Run(Action work)
    {
        // Not RunContinuationsAsynchronously: the caller's continuation runs here, at once.
        var completion = new TaskCompletionSource();
        var context = ExecutionContext.Capture();
        Enqueue(() =>
        {
            try
            {
                if (context is null)
                {
                    work();
                }
                else
                {
                    ExecutionContext.Run(context, static state => ((Action)state!)(), work);
                }
            }
            catch (Exception exception)
            {
                completion.SetException(exception);
                return;
            }

            completion.SetResult();
        });
        return completion.Task;
    }

    /// <summary>Lets the thread end once the work queued so far is done.</summary>
    public void Dispose()
    {
        lock (_work)
        {
            _completed = true;
            Monitor.Pulse(_work);
        }
    }

    private void Enqueue(Action work)
    {
        lock (_work)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            _work.Enqueue(work);
            Monitor.Pulse(_work);
        }
    }

    private void RunWork()
    {
        while (TakeNext() is { } work)
        {
            work();
        }
    }

    /// <summary>The next work item, waiting for one; null once disposed and drained.</summary>
    private Action? TakeNext()
    {
        lock (_work)
        {
            while (_work.Count == 0)
            {
                if (_completed)
                {
                    return null;
                }

                Monitor.Wait(_work);
            }

            return _work.Dequeue();
        }
    }
}
