using Microsoft.Extensions.Options;

namespace Social.WebFront.Overload;

/// <summary>
/// Puts one probe at a time on the thread pool's global queue and reports to
/// <see cref="ThreadPoolLag"/> how long it waited. It runs on a thread of its own, so that it
/// keeps probing when the pool itself is what is saturated.
/// </summary>
public sealed class ThreadPoolLagProbe(ThreadPoolLag lag, TimeProvider time, IOptions<OverloadOptions> options) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;
    private int _probeInFlight;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (lag.IsEnabled)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "Social thread-pool lag probe" };
            _thread.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    private void Run()
    {
        var interval = options.Value.ThreadPoolProbeInterval;
        var stopped = _stopping.Token.WaitHandle;
        while (!stopped.WaitOne(interval))
        {
            // One probe in flight at a time: a saturated pool is not handed a pile of them.
            if (Interlocked.CompareExchange(ref _probeInFlight, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Probe.Ran(state.QueuedAt), (Probe: this, QueuedAt: time.GetTimestamp()), preferLocal: false);
            }
        }
    }

    private void Ran(long queuedAt)
    {
        lag.ProbeStarted(queuedAt);
        Volatile.Write(ref _probeInFlight, 0);
    }

    public void Dispose()
    {
        if (_thread is not { IsAlive: true })
        {
            _stopping.Dispose();
        }
    }
}
