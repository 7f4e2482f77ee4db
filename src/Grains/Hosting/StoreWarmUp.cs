using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Social.Storage.Messages;

namespace Social.Grains.Hosting;

/// <summary>
/// Runs the message store's warm-up (<see cref="IMessageStore.WarmUpAsync"/>) while the silo
/// starts, before it is active. A fresh silo under immediate load otherwise spent its first
/// seconds building Npgsql's type handling and compiling the write path on the threads that held
/// the first sends (BENCHMARKS.md, "Cold start: warm-up"). A warm-up that fails or takes too long
/// is logged and given up: it must never keep a silo from starting.
/// </summary>
internal sealed partial class StoreWarmUp(IServiceProvider services, ILogger<StoreWarmUp> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Longest the silo's start waits for it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StoreWarmUp), ServiceLifecycleStage.BecomeActive - 1, RunAsync);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Test silos may run without a message store.
        if (services.GetService(typeof(IMessageStore)) is not IMessageStore store)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.WarmUpAsync(cancellationToken).WaitAsync(Limit, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            WarmedUp(logger, elapsed.TotalMilliseconds);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            WarmUpFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message store warmed up in {ElapsedMs:F0} ms")]
    private static partial void WarmedUp(ILogger logger, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up the message store failed; the first messages will pay for it")]
    private static partial void WarmUpFailed(ILogger logger, Exception exception);
}
