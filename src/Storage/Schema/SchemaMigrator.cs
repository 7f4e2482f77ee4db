using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Schema;

/// <summary>
/// Brings a PostgreSQL database up to the schema this build expects by applying the embedded
/// <c>Schema/NNN_name.sql</c> scripts that it has not applied yet, in order.
/// </summary>
/// <remarks>
/// Each script runs in its own transaction together with its row in <c>social_schema_version</c>,
/// so a script is either applied and recorded or not at all. Every transaction first takes a
/// transaction-scoped advisory lock, so processes that start at the same time apply each script
/// once, one after the other; the lock goes away with the transaction even if a process dies.
/// Running the migrator against an up-to-date database only reads the version table.
/// </remarks>
public static partial class SchemaMigrator
{
    // Any constant works as long as every process uses the same one; this is "Social" in ASCII.
    private const long AdvisoryLockKey = 0x536F6369616C;

    private static readonly Lazy<IReadOnlyList<SchemaScript>> EmbeddedScripts = new(LoadEmbeddedScripts);

    /// <summary>The scripts embedded in this assembly, ordered by version.</summary>
    public static IReadOnlyList<SchemaScript> Scripts => EmbeddedScripts.Value;

    public static Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct) =>
        MigrateAsync(dataSource, Scripts, logger, ct);

    /// <summary>Applies <paramref name="scripts"/> (ordered by version) instead of the embedded ones; for tests.</summary>
    internal static async Task MigrateAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<SchemaScript> scripts, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);

        await using var connection = await dataSource.OpenConnectionAsync(ct);

        HashSet<int> applied;
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await LockAsync(connection, transaction, ct);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS social_schema_version
                (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, ct);
            applied = await ReadAppliedVersionsAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        }

        var known = scripts.Select(s => s.Version).ToHashSet();
        var unknown = applied.Where(v => !known.Contains(v)).Order().ToList();
        if (unknown.Count > 0)
        {
            LogUnknownVersions(logger, unknown);
        }

        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await LockAsync(connection, transaction, ct);

            // Another process may have applied it while we waited for the lock.
            if ((await ReadAppliedVersionsAsync(connection, transaction, ct)).Contains(script.Version))
            {
                await transaction.RollbackAsync(ct);
                continue;
            }

            await ExecuteAsync(connection, transaction, script.Sql, ct);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO social_schema_version (version, name) VALUES (@version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", script.Version);
                record.Parameters.AddWithValue("name", script.Name);
                await record.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            LogApplied(logger, script.Version, script.Name);
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<HashSet<int>> ReadAppliedVersionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM social_schema_version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(ct))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static List<SchemaScript> LoadEmbeddedScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            scripts.Add(new SchemaScript(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Schema version {duplicate.Key} is used by more than one script: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }

        return [.. scripts.OrderBy(s => s.Version)];
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script {resource} could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {SchemaVersion} {SchemaName}")]
    private static partial void LogApplied(ILogger logger, int schemaVersion, string schemaName);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The database has schema versions {UnknownVersions} that this build does not know; a newer build migrated it")]
    private static partial void LogUnknownVersions(ILogger logger, List<int> unknownVersions);

    [GeneratedRegex(@"\.Schema\.(?<version>\d{3})_(?<name>\w+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptName();
}

/// <summary>One embedded migration script: <c>Schema/{Version:D3}_{Name}.sql</c>.</summary>
public sealed record SchemaScript(int Version, string Name, string Sql);
