using Orleans.Runtime.Providers;

namespace Social.Grains.Hosting;

/// <summary>200 ms, 400 ms, 800 ms, then every 1.6 s: how long a stream pulling agent waits before reading a queue again after a failed read.</summary>
internal sealed class QuickQueueReaderBackoff : IQueueReaderBackoffProvider
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);

    public TimeSpan Next(int attempt) => First * (1 << Math.Clamp(attempt - 1, 0, 3));
}
