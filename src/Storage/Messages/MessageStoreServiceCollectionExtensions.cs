using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Social.Storage.Messages;

public static class MessageStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IMessageStore"/> singleton (and the matching <see cref="Groups.IGroupStore"/>): <see cref="PostgresMessageStore"/> on the
    /// shared <see cref="Npgsql.NpgsqlDataSource"/> (with the schema created or upgraded on start)
    /// when <paramref name="connectionString"/> is given, else an <see cref="InMemoryMessageStore"/>.
    /// Safe to call more than once and together with
    /// <see cref="StorageServiceCollectionExtensions.AddSocialStorage"/>.
    /// </summary>
    public static IServiceCollection AddSocialMessageStore(this IServiceCollection services, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.TryAddSingleton<IMessageStore, InMemoryMessageStore>();
            services.TryAddSingleton<Groups.IGroupStore, Groups.InMemoryGroupStore>();
            return services;
        }

        services.AddSocialSchemaMigration(connectionString);
        services.TryAddSingleton<IMessageStore, PostgresMessageStore>();
        services.TryAddSingleton<Groups.IGroupStore, Groups.PostgresGroupStore>();
        return services;
    }
}
