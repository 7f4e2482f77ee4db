using System.Data.Common;
using Npgsql;

namespace Social.Storage;

/// <summary>
/// Bounds what one process may take from PostgreSQL. Each process has two pools (our data source,
/// and the one Orleans' ADO.NET providers share), each at most <see cref="DefaultMaxPoolSize"/>
/// connections unless the connection string says otherwise, so a flood of requests waits for a
/// connection (and is answered 503 after <see cref="DefaultTimeoutSeconds"/>) instead of opening
/// connections until the server refuses every client ("53300: too many clients").
/// </summary>
public static class PostgresConnectionStrings
{
    public const int DefaultMaxPoolSize = 20;

    /// <summary>How long to wait for a connection (a free one from the pool, or a new one).</summary>
    public const int DefaultTimeoutSeconds = 5;

    public static string WithPoolLimits(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("MAXIMUMPOOLSIZE") && !keys.Contains("MAXPOOLSIZE"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        if (!keys.Contains("TIMEOUT"))
        {
            builder.Timeout = DefaultTimeoutSeconds;
        }

        return builder.ConnectionString;
    }
}
