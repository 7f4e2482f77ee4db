namespace Social.Storage;

/// <summary>Starts the background loop of a batching queue (group commit, probes, grouped grain state).</summary>
public static class BackgroundLoop
{
    /// <summary>
    /// Runs <paramref name="loop"/> on the thread pool without the caller's execution context: the
    /// first caller's (an Orleans request context, a trace) must not become the ambient context of
    /// every later batch.
    /// </summary>
    public static Task Start(Func<Task> loop)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(loop);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(loop);
        }
    }
}
