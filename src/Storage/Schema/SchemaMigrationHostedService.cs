using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Schema;

/// <summary>
/// Migrates the database registered as <see cref="NpgsqlDataSource"/> when the host starts; does
/// nothing when none is registered (in-memory storage).
/// </summary>
/// <remarks>
/// The work happens in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs
/// before any hosted service's <c>StartAsync</c>. So the schema exists before the Orleans silo or
/// client starts (both read their queries from the database on start) whatever order the services
/// were registered in. A database that is still starting (typical with containers) is retried for
/// up to <see cref="ConnectTimeout"/>.
/// </remarks>
public sealed class SchemaMigrationHostedService(
    IServiceProvider services,
    ILogger<SchemaMigrationHostedService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var dataSource = services.GetService<NpgsqlDataSource>();
        if (dataSource is null)
        {
            return;
        }

        var deadline = DateTime.UtcNow + ConnectTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await SchemaMigrator.MigrateAsync(dataSource, logger, cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow + delay < deadline)
            {
                logger.LogWarning(ex, "The database is not reachable yet; retrying the schema migration in {Delay}", delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
