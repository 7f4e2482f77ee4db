namespace Social.Testing.Waiting;

/// <summary>
/// Waiting on a condition (the shape of Orleans' <c>TestingUtils.WaitUntilAsync</c>), never a
/// fixed sleep: polls until the condition holds and fails with <see cref="TimeoutException"/>
/// naming what did not happen.
/// </summary>
public static class Eventually
{
    /// <summary>The default patience: generous, because a pass costs only as long as the condition takes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> is true.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(Poll, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds} s waiting until {what}.");
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout, cancellationToken);

    /// <summary>
    /// Waits until <paramref name="assertion"/> stops throwing, and returns its value; after the
    /// timeout the last failure is thrown, so the test reports what was still wrong.
    /// </summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> assertion, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                return await assertion();
            }
            catch (Exception) when (!deadline.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Poll, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    // One last try below reports the real failure.
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="assertion"/> stops throwing.</summary>
    public static Task HoldsAsync(Func<Task> assertion, TimeSpan? timeout = null) =>
        HoldsAsync(async () =>
        {
            await assertion();
            return true;
        }, timeout);
}
