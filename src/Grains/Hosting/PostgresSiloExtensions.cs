using Npgsql;
using Orleans.Configuration;
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

        builder.AddAdoNetGrainStorage(SocialNames.GrainStorage, (AdoNetGrainStorageOptions options) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = new JsonGrainStorageSerializer();
        });

        // Orleans' own stream pub-sub state keeps Orleans' default storage serializer: its
        // producer entries have no constructor System.Text.Json can bind, so our serializer
        // cannot read back a subscription list that has producers in it.
        builder.AddAdoNetGrainStorage(SocialNames.PubSubStorage, (AdoNetGrainStorageOptions options) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });

        return builder;
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
