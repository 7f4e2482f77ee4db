using Npgsql;
using NpgsqlTypes;

namespace Social.Grains.Hosting.GrainState;

/// <summary>
/// Runs a group of reads, or a group of writes and clears, of <c>OrleansStorage</c> rows as one
/// batch of Orleans' own stored statements (<c>ReadFromStorageKey</c>, <c>WriteToStorageKey</c>,
/// <c>ClearStorageKey</c> in <c>src/Storage/Schema/003_orleans_persistence.sql</c>): one round
/// trip, one transaction.
/// </summary>
/// <remarks>
/// The write statement never raises a version conflict: it returns the version it stored, or the
/// one passed in when the row's version did not match, so one grain's stale write leaves the others
/// of its group alone. Any error (the connection, a constraint) rolls the whole group back.
/// </remarks>
public sealed class PostgresStateBatches(string connectionString, string readStatement, string writeStatement, string clearStatement)
{
    private readonly string _read = SingleStatement(readStatement);
    private readonly string _write = SingleStatement(writeStatement);
    private readonly string _clear = SingleStatement(clearStatement);

    public async Task ReadAsync(IReadOnlyList<PendingRead> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var read in reads)
        {
            var command = new NpgsqlBatchCommand(_read);
            AddRowParameters(command.Parameters, read.Row);
            batch.BatchCommands.Add(command);
        }

        await using (var reader = await batch.ExecuteReaderAsync())
        {
            foreach (var read in reads)
            {
                if (await reader.ReadAsync())
                {
                    read.Payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
                    read.Version = reader.IsDBNull(1) ? null : reader.GetInt32(1);
                }

                await reader.NextResultAsync();
            }
        }

        foreach (var read in reads)
        {
            read.Completion.TrySetResult();
        }
    }

    public async Task WriteAsync(IReadOnlyList<PendingWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var write in writes)
        {
            var command = new NpgsqlBatchCommand(write.Payload is null ? _clear : _write);
            AddRowParameters(command.Parameters, write.Row);
            command.Parameters.Add(new NpgsqlParameter("GrainStateVersion", NpgsqlDbType.Integer) { Value = (object?)write.ExpectedVersion ?? DBNull.Value });
            if (write.Payload is { } payload)
            {
                command.Parameters.Add(new NpgsqlParameter("PayloadBinary", NpgsqlDbType.Bytea) { Value = payload });
            }

            batch.BatchCommands.Add(command);
        }

        await using (var reader = await batch.ExecuteReaderAsync())
        {
            foreach (var write in writes)
            {
                write.StoredVersion = await reader.ReadAsync() && !reader.IsDBNull(0) ? reader.GetInt32(0) : null;
                await reader.NextResultAsync();
            }
        }

        // Only a committed group is acknowledged; a failed commit fails every write of the group.
        await transaction.CommitAsync();
        foreach (var write in writes)
        {
            write.Completion.TrySetResult();
        }
    }

    private static void AddRowParameters(NpgsqlParameterCollection parameters, StateRow row)
    {
        parameters.Add(new NpgsqlParameter("GrainIdHash", NpgsqlDbType.Integer) { Value = row.GrainIdHash });
        parameters.Add(new NpgsqlParameter("GrainIdN0", NpgsqlDbType.Bigint) { Value = 0L });
        parameters.Add(new NpgsqlParameter("GrainIdN1", NpgsqlDbType.Bigint) { Value = 0L });
        parameters.Add(new NpgsqlParameter("GrainTypeHash", NpgsqlDbType.Integer) { Value = row.GrainTypeHash });
        parameters.Add(new NpgsqlParameter("GrainTypeString", NpgsqlDbType.Varchar) { Value = row.StateName });
        parameters.Add(new NpgsqlParameter("GrainIdExtensionString", NpgsqlDbType.Varchar) { Value = row.Key });
        parameters.Add(new NpgsqlParameter("ServiceId", NpgsqlDbType.Varchar) { Value = row.ServiceId });
    }

    /// <summary>A batch command holds exactly one statement: the stored text without its closing semicolon.</summary>
    private static string SingleStatement(string statement) => statement.Trim().TrimEnd(';');
}
