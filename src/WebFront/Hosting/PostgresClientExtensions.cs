using Social.Storage;

namespace Social.WebFront.Hosting;

public static class PostgresClientExtensions
{
    /// <summary>
    /// Finds the silos' gateways in the PostgreSQL membership table the silos write (see
    /// <c>UseSocialPostgres</c>). Also registers the schema migration, so a front end that starts
    /// before any silo does not fail on a missing table.
    /// </summary>
    public static IClientBuilder UseSocialPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        builder.Services.AddSocialSchemaMigration(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = PostgresConnectionStrings.WithPoolLimits(connectionString);
        });
        return builder;
    }
}
