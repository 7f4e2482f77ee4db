using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Social.Storage.Accounts;
using Social.Storage.Messages;
using Social.Storage.Schema;

namespace Social.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the account and message stores: PostgreSQL (with the schema created or upgraded
    /// on start) when <paramref name="connectionString"/> is given, else in-memory stores.
    /// </summary>
    public static IServiceCollection AddSocialStorage(this IServiceCollection services, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddSocialMessageStore(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.TryAddSingleton<IUserDirectory, InMemoryUserDirectory>();
            return services;
        }

        services.AddSocialSchemaMigration(connectionString);
        services.TryAddSingleton<IUserDirectory, PostgresUserDirectory>();
        return services;
    }

    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> for <paramref name="connectionString"/> (unless one
    /// is registered already) and the hosted service that migrates its schema before anything
    /// else starts. Safe to call more than once: the silo and the front end both call it.
    /// </summary>
    public static IServiceCollection AddSocialSchemaMigration(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.TryAddSingleton(serviceProvider =>
        {
            var builder = new NpgsqlDataSourceBuilder(PostgresConnectionStrings.WithPoolLimits(connectionString));
            if (serviceProvider.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            return builder.Build();
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaMigrationHostedService>());
        return services;
    }
}
