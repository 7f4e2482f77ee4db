using Social.Testing.Hosting;

namespace Social.LoadTest.Hosting;

/// <summary>
/// The run's own PostgreSQL (the shared <see cref="LocalPostgres"/>), set up the way a production
/// server is as far as durability goes (<c>fsync</c>, <c>synchronous_commit</c>,
/// <c>full_page_writes</c> on, unless the run asks for a non-durable one to compare), with memory
/// and checkpoints at a production-like pace, and a database <c>social</c>.
/// </summary>
public static class DurablePostgres
{
    /// <param name="durable">False: fsync, synchronous_commit and full_page_writes off, for comparison only.</param>
    public static Task<LocalPostgres> StartAsync(bool durable, CancellationToken cancellationToken) =>
        LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            Durable = durable,
            Database = "social",
            Settings = new Dictionary<string, string>
            {
                ["max_connections"] = "300",
                ["shared_buffers"] = "1GB",
                // Checkpoints at their production-like pace, not every few seconds of a load test.
                ["max_wal_size"] = "4GB",
                ["checkpoint_timeout"] = "15min",
            },
        }, cancellationToken);
}
