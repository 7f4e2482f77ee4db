using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Messages;

/// <summary>
/// The message store on <c>conversations</c>, <c>conversation_members</c> and <c>messages</c>
/// (schema script <c>005_messages.sql</c>). Appends are group-committed by
/// <see cref="PartitionedAppendQueues"/> (a conversation's creation with its first message), and
/// an activation first asks <see cref="ConversationExistenceProbe"/> together with the others
/// whether there is anything to load; everything else is one query. A singleton: dispose it to
/// write what is still queued and stop the writer.
/// </summary>
public sealed class PostgresMessageStore : IMessageStore, IAsyncDisposable, IDisposable
{
    private const string Columns = PostgresMessageColumns.List;

    // One snapshot (see LoadConversationAsync), four results.
    private const string LoadConversationSql = $"""
        SELECT COALESCE((SELECT max(seq) FROM messages WHERE conversation_id = @conversation_id), 0)
          FROM conversations
         WHERE conversation_id = @conversation_id;

        SELECT m.user_id, m.last_read_seq,
               COALESCE((SELECT max(x.seq) FROM messages x
                          WHERE x.conversation_id = m.conversation_id AND x.sender_id = m.user_id), 0)
          FROM conversation_members m
         WHERE m.conversation_id = @conversation_id
         ORDER BY m.user_id COLLATE "C";

        SELECT {Columns}
          FROM messages
         WHERE conversation_id = @conversation_id
         ORDER BY seq DESC
         LIMIT @recent_count;

        SELECT sender_id
          FROM messages
         WHERE conversation_id = @conversation_id AND is_greeting
         ORDER BY sender_id COLLATE "C";
        """;

    // A probe of messages_client_message_id_key (its predicate follows from the equality).
    private const string FindByClientMessageIdSql = $"""
        SELECT {Columns}
          FROM messages
         WHERE conversation_id = @conversation_id AND sender_id = @sender_id AND client_message_id = @client_message_id
        """;

    private const string PageAfterSql = $"""
        SELECT {Columns}
          FROM messages
         WHERE conversation_id = @conversation_id AND seq > @after_seq AND seq < @before_seq
         ORDER BY seq
         LIMIT @limit
        """;

    private const string PageBeforeSql = $"""
        SELECT {Columns}
          FROM messages
         WHERE conversation_id = @conversation_id AND seq < @before_seq
         ORDER BY seq DESC
         LIMIT @limit
        """;

    // Per membership of the user: the members, the last seq, the user's cursor and last own seq
    // (primary key and messages_sender_seq_idx probes), and the newest message the user has not
    // hidden (the primary key walked backwards, skipping the user's hidden messages).
    private const string UserConversationsSql = $"""
        SELECT m.conversation_id,
               ARRAY(SELECT o.user_id FROM conversation_members o
                      WHERE o.conversation_id = m.conversation_id
                      ORDER BY o.user_id COLLATE "C"),
               COALESCE((SELECT max(x.seq) FROM messages x WHERE x.conversation_id = m.conversation_id), 0),
               m.last_read_seq,
               COALESCE((SELECT max(x.seq) FROM messages x
                          WHERE x.conversation_id = m.conversation_id AND x.sender_id = m.user_id), 0),
               v.*
          FROM conversation_members m
          LEFT JOIN LATERAL (
                SELECT {Columns}
                  FROM messages x
                 WHERE x.conversation_id = m.conversation_id
                   AND NOT (x.sender_id = m.user_id AND x.is_hidden_sender)
                   AND NOT (x.recipient_id = m.user_id AND x.is_hidden_recipient)
                 ORDER BY x.seq DESC
                 LIMIT 1) v ON true
         WHERE m.user_id = @user_id
         ORDER BY m.conversation_id COLLATE "C"
        """;

    /// <summary>Batches committing in parallel (each conversation always in the same one).</summary>
    public const int AppendWriters = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PartitionedAppendQueues _appends;
    private readonly ConversationExistenceProbe _existence;

    public PostgresMessageStore(NpgsqlDataSource dataSource, ILogger<PostgresMessageStore> logger)
        : this(dataSource, logger, AppendWriters)
    {
    }

    internal PostgresMessageStore(NpgsqlDataSource dataSource, ILogger<PostgresMessageStore> logger, int appendWriters, int batchesInFlight = 1)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(appendWriters, 1);

        _dataSource = dataSource;
        _appends = new PartitionedAppendQueues(
            appendWriters, () => new PostgresMessageBatchWriter(dataSource, logger, ownThread: batchesInFlight == 1), logger, batchesInFlight);
        _existence = new ConversationExistenceProbe(dataSource, logger);
    }

    /// <summary>How many batches commit in parallel.</summary>
    internal int AppendWriterCount => _appends.Count;

    /// <summary>Which writer takes the conversation's appends.</summary>
    internal int AppendLaneOf(string conversationId) => _appends.LaneOf(conversationId);

    /// <summary>Appends queued behind the batches in flight, not yet taken by a writer.</summary>
    internal int QueuedAppends => _appends.Waiting;

    public async Task EnsureConversationAsync(
        string conversationId, IReadOnlyList<string> memberIds, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(memberIds);

        // The members' foreign key sees the conversation inserted by the CTE: it is checked at the
        // end of the statement.
        await using var command = _dataSource.CreateCommand("""
            WITH conversation AS (
                INSERT INTO conversations (conversation_id, created_at)
                VALUES (@conversation_id, @created_at)
                ON CONFLICT (conversation_id) DO NOTHING)
            INSERT INTO conversation_members (conversation_id, user_id)
            SELECT @conversation_id, member_id FROM unnest(@member_ids) AS member_id
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("created_at", createdAt.ToUniversalTime());
        command.Parameters.AddWithValue("member_ids", memberIds.Distinct(StringComparer.Ordinal).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Both writers' statements, and the existence probe for an id no conversation has.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_appends.WarmUpAsync(), _existence.ExistsAsync("warm-up")).WaitAsync(cancellationToken);

    public async Task<ConversationSnapshot?> LoadConversationAsync(
        string conversationId, int recentCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);

        // Whatever failed before, the caller now learns the stored state and numbers on from it.
        _appends.Reload(conversationId);

        // A conversation that does not exist yet (the usual case on a fresh server) is answered by
        // a probe shared with the other activations, without a snapshot transaction of its own.
        if (!await _existence.ExistsAsync(conversationId).WaitAsync(cancellationToken))
        {
            return null;
        }

        // Repeatable read: the four results are one snapshot, so the last seq, the recent window
        // and the cursors agree even while another writer commits.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(LoadConversationSql, connection, transaction);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("recent_count", Math.Max(recentCount, 0));

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var lastSeq = reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken);
        var members = new List<ConversationMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new ConversationMember(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        await reader.NextResultAsync(cancellationToken);
        var recent = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recent.Add(PostgresMessageColumns.Read(reader));
        }

        recent.Reverse();

        await reader.NextResultAsync(cancellationToken);
        var greetingSenders = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            greetingSenders.Add(reader.GetString(0));
        }

        return new ConversationSnapshot(conversationId, members, lastSeq, recent, greetingSenders);
    }

    public async Task<StoredMessage?> FindByClientMessageIdAsync(
        string conversationId, string senderId, string clientMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(senderId);
        ArgumentNullException.ThrowIfNull(clientMessageId);

        await using var command = _dataSource.CreateCommand(FindByClientMessageIdSql);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("sender_id", senderId);
        command.Parameters.AddWithValue("client_message_id", clientMessageId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresMessageColumns.Read(reader) : null;
    }

    public Task AppendAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Once queued, the message is written whatever the token says (the caller learns the
        // outcome): dropping it from a batch could leave a gap behind a later seq.
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : _appends.AppendAsync(message);
    }

    public Task AppendCreatingAsync(StoredMessage message, NewConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.ConversationId != message.ConversationId)
        {
            throw new ArgumentException("The message belongs to another conversation.", nameof(conversation));
        }

        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : _appends.AppendAsync(message, conversation);
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadPageAsync(
        string conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        if (limit <= 0)
        {
            return [];
        }

        // With both bounds, the oldest messages between them (the catch-up direction wins).
        await using var command = _dataSource.CreateCommand(afterSeq is null ? PageBeforeSql : PageAfterSql);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("before_seq", beforeSeq ?? long.MaxValue);
        command.Parameters.AddWithValue("limit", limit);
        if (afterSeq is { } after)
        {
            command.Parameters.AddWithValue("after_seq", after);
        }

        var page = new List<StoredMessage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(PostgresMessageColumns.Read(reader));
            }
        }

        if (afterSeq is null)
        {
            page.Reverse();
        }

        return page;
    }

    public async Task SetReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);

        // GREATEST(last_read_seq, @seq), written as a condition so that a cursor already at or past
        // @seq is not rewritten at all.
        await using var command = _dataSource.CreateCommand("""
            UPDATE conversation_members
               SET last_read_seq = @seq
             WHERE conversation_id = @conversation_id AND user_id = @user_id AND last_read_seq < @seq
            """);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("seq", seq);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> HideAsync(string conversationId, long seq, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);

        // Neither hidden flag is indexed, so this is a HOT update that touches no index.
        await using var command = _dataSource.CreateCommand("""
            UPDATE messages
               SET is_hidden_sender    = is_hidden_sender OR sender_id = @user_id,
                   is_hidden_recipient = is_hidden_recipient OR recipient_id = @user_id
             WHERE conversation_id = @conversation_id AND seq = @seq
               AND (sender_id = @user_id OR recipient_id = @user_id)
            """);
        command.Parameters.AddWithValue("conversation_id", conversationId);
        command.Parameters.AddWithValue("seq", seq);
        command.Parameters.AddWithValue("user_id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<UserConversationRow>> LoadUserConversationsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);

        await using var command = _dataSource.CreateCommand(UserConversationsSql);
        command.Parameters.AddWithValue("user_id", userId);

        var rows = new List<UserConversationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UserConversationRow(
                ConversationId: reader.GetString(0),
                MemberIds: reader.GetFieldValue<string[]>(1),
                LastSeq: reader.GetInt64(2),
                LastReadSeq: reader.GetInt64(3),
                LastOwnSeq: reader.GetInt64(4),
                LastVisibleMessage: reader.IsDBNull(5) ? null : PostgresMessageColumns.Read(reader, first: 5)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<DateTimeOffset>> LoadGreetingTimesAsync(
        string senderId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderId);

        await using var command = _dataSource.CreateCommand("""
            SELECT created_at
              FROM messages
             WHERE sender_id = @sender_id AND is_greeting AND created_at >= @since
             ORDER BY created_at
            """);
        command.Parameters.AddWithValue("sender_id", senderId);
        command.Parameters.AddWithValue("since", since.ToUniversalTime());

        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            times.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return times;
    }

    /// <summary>Writes the appends still queued, then stops the writer. Later appends fail.</summary>
    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        await _existence.DisposeAsync();
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking: for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
