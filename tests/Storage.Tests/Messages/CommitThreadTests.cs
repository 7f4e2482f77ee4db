using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

public sealed class CommitThreadTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_runs_in_order_on_the_thread_of_its_own_and_so_does_the_callers_continuation()
    {
        using var commits = new CommitThread("test commits");
        var order = new List<int>();
        var threads = new HashSet<string?>();

        var runs = Enumerable.Range(0, 50).Select(i => commits.Run(() =>
        {
            order.Add(i);
            threads.Add(Thread.CurrentThread.Name);
        })).ToList();
        await Task.WhenAll(runs).WaitAsync(WaitLimit);

        // Held until the continuation is registered, so it cannot find the work already done.
        using var registered = new ManualResetEventSlim();
        var run = commits.Run(() => registered.Wait(WaitLimit));
        var continuedOn = run.ContinueWith(
            _ => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        registered.Set();

        Assert.Equal(Enumerable.Range(0, 50), order);
        Assert.Equal("test commits", Assert.Single(threads));
        Assert.Equal(("test commits", false), await continuedOn.WaitAsync(WaitLimit));
    }

    [Fact]
    public async Task Work_sees_the_callers_execution_context()
    {
        using var commits = new CommitThread("test commits");
        using var batch = new System.Diagnostics.Activity("message_store.batch").Start();
        string? seenInWork = null;

        await commits.Run(() => seenInWork = System.Diagnostics.Activity.Current?.Id).WaitAsync(WaitLimit);

        Assert.Equal(batch.Id, seenInWork);
    }

    [Fact]
    public async Task A_failed_work_item_fails_its_task_and_the_next_one_still_runs()
    {
        using var commits = new CommitThread("test commits");

        var failing = commits.Run(() => throw new InvalidOperationException("no database"));
        var next = commits.Run(() => { });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(WaitLimit));
        Assert.Equal("no database", error.Message);
        await next.WaitAsync(WaitLimit);
    }

    [Fact]
    public async Task Disposing_ends_the_thread_after_the_queued_work()
    {
        var commits = new CommitThread("test commits");
        Thread? thread = null;
        var release = new ManualResetEventSlim();
        var blocked = commits.Run(() =>
        {
            thread = Thread.CurrentThread;
            release.Wait(WaitLimit);
        });
        var queued = commits.Run(() => { });

        commits.Dispose();
        release.Set();

        await Task.WhenAll(blocked, queued).WaitAsync(WaitLimit);
        Assert.True(thread!.Join(WaitLimit), "The commit thread did not end.");
        release.Dispose();
    }
}
