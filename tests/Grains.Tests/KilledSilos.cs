using Orleans.TestingHost;
using Social.Testing;

namespace Social.Grains.Tests;

/// <summary>
/// What the killed-silo tests share: a two-silo cluster over a fresh PostgreSQL database that is
/// always stopped afterwards, and calls retried the way clients retry them while a silo dies.
/// </summary>
internal static class KilledSilos
{
    /// <summary>How long one call is retried before the test fails.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(90);

    /// <summary>Runs <paramref name="test"/> on a new cluster over a new database named after <paramref name="database"/>.</summary>
    public static async Task RunAsync(string database, Func<TestCluster, Task> test)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(database);
        var cluster = await PostgresTestCluster.StartAsync(connectionString);
        try
        {
            await test(cluster);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// A read after a kill: the cluster client may still try the dead silo's gateway once
    /// (<c>ConnectionFailedException</c>), so it is retried like any call; the caller asserts on the result.
    /// </summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        var result = default(T)!;
        await RetryAsync(async () => result = await read(), _ => true);
        return result;
    }

    /// <summary>Calls until <paramref name="settled"/> holds; returns how many attempts failed with an exception on the way.</summary>
    public static async Task<int> RetryAsync<T>(Func<Task<T>> call, Func<T, bool> settled)
    {
        var deadline = DateTime.UtcNow + RetryFor;
        var failed = 0;
        while (true)
        {
            try
            {
                var result = await call();
                Assert.True(settled(result), $"Unexpected answer after {failed} failed attempts: {result}");
                return failed;
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException && DateTime.UtcNow < deadline)
            {
                // The silo holding the grain died under the call: retry, as a client does, after a moment.
                failed++;
                await Task.Delay(100);
            }
        }
    }
}
