using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Messages;

public static class MessageStoreServiceCollectionExtensions
{
    /// <summary>How many batches of appends commit in parallel (<see cref="PostgresMessageStore.AppendWriters"/> unless set).</summary>
    public const string AppendWritersKey = "Social:Storage:MessageAppendWriters";

    /// <summary>How many batches each writer may have in flight at once (1 unless set; a conversation is in one at a time).</summary>
    public const string BatchesInFlightKey = "Social:Storage:MessageBatchesInFlight";

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
        services.TryAddSingleton<IMessageStore>(provider =>
        {
            var configuration = provider.GetService<IConfiguration>();
            return new PostgresMessageStore(
                provider.GetRequiredService<NpgsqlDataSource>(),
                provider.GetRequiredService<ILogger<PostgresMessageStore>>(),
                configuration?.GetValue(AppendWritersKey, PostgresMessageStore.AppendWriters) ?? PostgresMessageStore.AppendWriters,
                configuration?.GetValue(BatchesInFlightKey, 1) ?? 1);
        });
        services.TryAddSingleton<Groups.IGroupStore, Groups.PostgresGroupStore>();
        return services;
    }
}
