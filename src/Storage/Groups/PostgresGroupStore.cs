using Npgsql;

namespace Social.Storage.Groups;

/// <summary>The group store on <c>group_read_cursors</c> and <c>group_hidden_messages</c> (schema script <c>007_groups.sql</c>).</summary>
public sealed class PostgresGroupStore(NpgsqlDataSource dataSource) : IGroupStore
{
    public async Task<IReadOnlyDictionary<string, long>> LoadReadSeqsAsync(string groupId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT user_id, last_read_seq FROM group_read_cursors WHERE group_id = @group_id");
        command.Parameters.AddWithValue("group_id", groupId);
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cursors[reader.GetString(0)] = reader.GetInt64(1);
        }

        return cursors;
    }

    public async Task SetReadSeqAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO group_read_cursors (group_id, user_id, last_read_seq)
            VALUES (@group_id, @user_id, @seq)
            ON CONFLICT (group_id, user_id) DO UPDATE
               SET last_read_seq = EXCLUDED.last_read_seq
             WHERE group_read_cursors.last_read_seq < EXCLUDED.last_read_seq
            """);
        command.Parameters.AddWithValue("group_id", groupId);
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("seq", seq);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> LoadHiddenAsync(string groupId, string userId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq FROM group_hidden_messages WHERE group_id = @group_id AND user_id = @user_id ORDER BY seq");
        command.Parameters.AddWithValue("group_id", groupId);
        command.Parameters.AddWithValue("user_id", userId);
        var seqs = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            seqs.Add(reader.GetInt64(0));
        }

        return seqs;
    }

    public async Task HideAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO group_hidden_messages (group_id, user_id, seq)
            VALUES (@group_id, @user_id, @seq)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("group_id", groupId);
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("seq", seq);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
