using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Configuration;
using Social.Grains.Hosting.GrainState;
using Social.Storage;

namespace Social.Grains.Hosting;

public static class PostgresSiloExtensions
{
    /// <summary>The ADO.NET provider invariant Orleans uses to load Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Keeps cluster membership, grain state (<see cref="SocialNames.GrainStorage"/>) and stream
    /// subscriptions (<see cref="SocialNames.PubSubStorage"/>) in PostgreSQL, through Orleans'
    /// ADO.NET providers and the schema in <c>src/Storage/Schema</c>, which this also creates or
    /// upgrades before the silo starts.
    /// </summary>
    /// <remarks>
    /// Our grain state is stored as JSON (<see cref="JsonGrainStorageSerializer"/>); Orleans' pub-sub
    /// state keeps Orleans' default serializer (see below). Give every grain class its own state
    /// name and make keys with <see cref="GrainKeys"/> ("Why keys carry a prefix" in docs/architecture.md).
    /// </remarks>
    public static ISiloBuilder UseSocialPostgres(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        builder.Services.AddSocialSchemaMigration(connectionString);
        connectionString = WithoutSessionReset(PostgresConnectionStrings.WithPoolLimits(connectionString));

        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });

        // Reads and writes of many grains share transactions (GroupedGrainStorage) unless
        // configured off, which leaves Orleans' provider on its own (for comparison runs).
        var grouped = builder.Configuration.GetValue(GroupedGrainStateKey, defaultValue: true);
        builder.AddGrainStateStorage(grouped, SocialNames.GrainStorage, options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = new JsonGrainStorageSerializer();
        });

        // Orleans' own stream pub-sub state keeps Orleans' default storage serializer: its
        // producer entries have no constructor System.Text.Json can bind, so our serializer
        // cannot read back a subscription list that has producers in it.
        builder.AddGrainStateStorage(grouped, SocialNames.PubSubStorage, options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });

        return builder;
    }

    /// <summary>Set to false to store grain state through Orleans' ADO.NET provider alone, one transaction per read or write.</summary>
    public const string GroupedGrainStateKey = "Social:Storage:GroupedGrainState";

    private static void AddGrainStateStorage(this ISiloBuilder builder, bool grouped, string name, Action<AdoNetGrainStorageOptions> configure)
    {
        if (grouped)
        {
            builder.AddGroupedAdoNetGrainStorage(name, configure);
        }
        else
        {
            builder.AddAdoNetGrainStorage(name, configure);
        }
    }

    /// <summary>
    /// Npgsql resets a pooled connection with <c>DISCARD ALL</c> before its next use, and the
    /// server counts that as a transaction of its own: it was every second "commit" of a friend
    /// pair (BENCHMARKS.md). Orleans' providers leave no session state behind (no temporary
    /// tables, session settings, LISTEN or prepared statements), so there is nothing to reset.
    /// </summary>
    private static string WithoutSessionReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
}
