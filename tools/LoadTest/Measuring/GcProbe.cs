using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Social.LoadTest.Measuring;

/// <summary>
/// The server's garbage collector, seen through the runtime's diagnostics port (EventPipe, what
/// dotnet-counters and dotnet-gcdump use): the heap after a forced full collection, and the
/// collections and pauses over a stretch of time.
/// </summary>
public static class GcProbe
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>
    /// Forces a full, blocking collection in <paramref name="pid"/> (the GCHeapCollect keyword, as
    /// dotnet-gcdump does) and returns the managed heap's size right after it: the live managed
    /// bytes. Null when the process cannot be reached.
    /// </summary>
    public static async Task<long?> HeapAfterFullCollectionAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
            using var session = await client.StartEventPipeSessionAsync(
                [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 16, cancellationToken);
            using var source = new EventPipeEventSource(session.EventStream);
            var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var inducedRunning = false;
            source.Clr.GCStart += e => inducedRunning = e.Depth == 2 && e.Reason is GCReason.Induced or GCReason.InducedNotForced or GCReason.InducedCompacting;
            source.Clr.GCHeapStats += e =>
            {
                if (inducedRunning)
                {
                    heap.TrySetResult(e.TotalHeapSize);
                }
            };
            var processing = Task.Run(source.Process, CancellationToken.None);
            try
            {
                return await heap.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            finally
            {
                await StopAsync(session, processing);
            }
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or TimeoutException or UnsupportedCommandException or EndOfStreamException or IOException)
        {
            return null;
        }
    }

    /// <summary>Starts counting collections and pause time in <paramref name="pid"/>; null when it cannot be reached.</summary>
    public static async Task<GcWatch?> WatchAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            var session = await client.StartEventPipeSessionAsync(
                [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC)],
                requestRundown: false, circularBufferMB: 64, cancellationToken);
            return new GcWatch(session);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or UnsupportedCommandException or IOException)
        {
            return null;
        }
    }

    internal static async Task StopAsync(EventPipeSession session, Task processing)
    {
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await session.StopAsync(stopping.Token);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or OperationCanceledException or IOException or EndOfStreamException)
        {
            // The process is gone or stopping; the stream ends either way.
        }

        await processing.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>Collections by generation and the time the runtime was paused for them, while it runs.</summary>
public sealed class GcWatch : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly int[] _collections = new int[3];
    private double _suspendStartedMs = double.NaN;
    private double _pausedMs;
    private double _longestPauseMs;

    internal GcWatch(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.GCStart += e => _collections[Math.Clamp(e.Depth, 0, 2)]++;
        _source.Clr.GCSuspendEEStart += e => _suspendStartedMs = e.TimeStampRelativeMSec;
        _source.Clr.GCRestartEEStop += e =>
        {
            if (!double.IsNaN(_suspendStartedMs))
            {
                var pause = e.TimeStampRelativeMSec - _suspendStartedMs;
                _pausedMs += pause;
                _longestPauseMs = Math.Max(_longestPauseMs, pause);
                _suspendStartedMs = double.NaN;
            }
        };
        _processing = Task.Run(_source.Process, CancellationToken.None);
    }

    /// <summary>Stops watching and returns what was seen.</summary>
    public async Task<GcActivity> StopAsync(TimeSpan over)
    {
        await GcProbe.StopAsync(_session, _processing);
        return new GcActivity(_collections[0], _collections[1], _collections[2], Math.Round(_pausedMs, 1), Math.Round(_longestPauseMs, 1),
            over > TimeSpan.Zero ? Math.Round(100 * _pausedMs / over.TotalMilliseconds, 2) : 0);
    }

    public async ValueTask DisposeAsync()
    {
        await GcProbe.StopAsync(_session, _processing);
        _source.Dispose();
        _session.Dispose();
    }
}

/// <summary>Collections per generation and pause time (all threads stopped) over a stretch of time.</summary>
public sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PausedMs, double LongestPauseMs, double PausedPercent);
