using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Social.Grains.Hosting.GrainState;

public static class GroupedGrainStorageExtensions
{
    /// <summary>
    /// Orleans' ADO.NET grain storage named <paramref name="name"/>, configured as
    /// <c>AddAdoNetGrainStorage</c> configures it, with its reads and writes grouped
    /// (<see cref="GroupedGrainStorage"/>).
    /// </summary>
    public static ISiloBuilder AddGroupedAdoNetGrainStorage(this ISiloBuilder builder, string name, Action<AdoNetGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        // Orleans' registration: its options, validators and the silo lifecycle hook, which
        // resolves the storage by name and so reaches the wrapper registered next (the last
        // registration of a key is the one resolved), which hands the lifecycle to Orleans' provider.
        builder.AddAdoNetGrainStorage(name, configure);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, key) =>
        {
            var providerName = (string)key!;
            var options = services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(providerName);
            return new GroupedGrainStorage(
                AdoNetGrainStorageFactory.Create(services, providerName),
                providerName,
                services.GetProviderClusterOptions(providerName).Value.ServiceId,
                options,
                services.GetRequiredService<IActivatorProvider>());
        });
        return builder;
    }
}
