using Microsoft.Extensions.Logging;
using Npgsql;

namespace Social.Storage.Messages;

/// <summary>
/// Writes a batch of appends to <c>messages</c>: one statement (so one transaction), however many
/// conversations the batch holds. Conversations created by their first message get their
/// <c>conversations</c> and <c>conversation_members</c> rows in the same statement.
/// </summary>
/// <remarks>
/// <para>
/// A transient failure (lost connection, serialization failure, timeout) is retried once. If the
/// commit itself was lost, the rows may have been stored after all; the retry then collides with
/// them and the batch is reported as failed. The callers' conversations reload and find the
/// messages, and a client retrying with its client message id gets the stored one back.
/// </para>
/// <para>
/// When the database rejects the data (a seq or client message id already used, a value too
/// long), the batch is written again conversation by conversation under savepoints, halving the
/// set of conversations until the offending ones are found, so one bad conversation does not fail
/// the others in its batch.
/// </para>
/// </remarks>
internal sealed partial class PostgresMessageBatchWriter(NpgsqlDataSource dataSource, ILogger logger, bool ownThread = false)
    : IMessageBatchWriter, IDisposable
{
    private const string InsertSql = $"""
        INSERT INTO messages ({PostgresMessageColumns.List})
        SELECT * FROM unnest(@conversation_ids, @seqs, @sender_ids, @recipient_ids, @contents, @created_ats,
                             @is_greetings, @client_message_ids, @hidden_by_sender, @hidden_by_recipient)
        """;

    // The members' foreign key sees the conversations inserted beside them: it is checked at the
    // end of the statement. Sorted by id, so two writers creating the same conversations (two
    // activations of one conversation while a silo dies) take their locks in the same order.
    private const string CreatingInsertSql = $"""
        WITH new_conversations AS (
            INSERT INTO conversations (conversation_id, created_at)
            SELECT * FROM unnest(@new_conversation_ids, @new_created_ats)
            ON CONFLICT (conversation_id) DO NOTHING),
        new_members AS (
            INSERT INTO conversation_members (conversation_id, user_id)
            SELECT * FROM unnest(@member_conversation_ids, @member_ids)
            ON CONFLICT (conversation_id, user_id) DO NOTHING)
        {InsertSql}
        """;

    private const string Savepoint = "conversations";


    private static readonly IReadOnlyDictionary<string, Exception> NoFailures = new Dictionary<string, Exception>();

    // The first attempt of each batch, when the writer has one batch in flight at a time; retries
    // and the search for rejected rows stay asynchronous (they are rare).
    private readonly CommitThread? _commits = ownThread ? new CommitThread("Social message commits") : null;

    // Used only on the commit thread.
    private readonly CommitConnection _commitConnection = new(dataSource);
    private int _disposed;

    public async Task<IReadOnlyDictionary<string, Exception>> WriteAsync(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
    {
        try
        {
            await (_commits is { } commits
                ? commits.Run(() => InsertInOneTransaction(messages, creations))
                : InsertInOneTransactionAsync(messages, creations));
            return NoFailures;
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            LogRetrying(logger, messages.Count, ex);
            try
            {
                await InsertInOneTransactionAsync(messages, creations);
                return NoFailures;
            }
            catch (Exception retryError)
            {
                return await WriteAfterFailureAsync(messages, creations, retryError);
            }
        }
        catch (Exception ex)
        {
            return await WriteAfterFailureAsync(messages, creations, ex);
        }
    }

    /// <summary>
    /// Runs both insert statements with no rows, the way a batch runs them (on the commit thread
    /// when there is one). Stores nothing; the first real batch then finds Npgsql's handling of
    /// its parameter types built, its statement prepared and its code compiled.
    /// </summary>
    public async Task WarmUpAsync()
    {
        if (_commits is { } commits)
        {
            await commits.Run(() =>
            {
                InsertInOneTransaction([], [], InsertSql);
                InsertInOneTransaction([], [], CreatingInsertSql);
            });

            // Off the commit thread, which ran this continuation.
            await Task.Yield();
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var sql in (string[])[InsertSql, CreatingInsertSql])
        {
            await using var command = InsertCommand(connection, transaction: null, sql, [], []);
            await command.PrepareAsync();
            await command.ExecuteNonQueryAsync();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _commits is not { } commits)
        {
            return;
        }

        // Closed on the commit thread, after the batch it may still be writing.
        _ = commits.Run(_commitConnection.Dispose);
        commits.Dispose();
    }

    /// <summary>One statement, so one transaction without BEGIN and COMMIT: the commit is the statement's own.</summary>
    private async Task InsertInOneTransactionAsync(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await InsertAsync(connection, transaction: null, messages, creations);
    }

    /// <summary>The same, blocking the commit thread, on its own connection (<see cref="CommitConnection"/>).</summary>
    private void InsertInOneTransaction(IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations, string? sql = null)
    {
        try
        {
            // Prepared once on this connection; later batches only look the statement up.
            using var command = InsertCommand(_commitConnection.Open(), transaction: null, sql ?? SqlFor(creations), messages, creations);
            command.Prepare();
            command.ExecuteNonQuery();
        }
        catch
        {
            // Whatever failed, the next batch starts on a fresh connection.
            _commitConnection.Close();
            throw;
        }
    }

    private async Task<IReadOnlyDictionary<string, Exception>> WriteAfterFailureAsync(
        IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations, Exception error)
    {
        var conversations = messages.GroupBy(m => m.ConversationId, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (IsRejectedData(error) && conversations.Count > 1)
        {
            try
            {
                return await InsertSeparatingRejectedAsync(conversations, creations);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }

        LogBatchFailed(logger, messages.Count, conversations.Count, error);
        return conversations.ToDictionary(c => c[0].ConversationId, _ => error, StringComparer.Ordinal);
    }

    /// <summary>Stores the conversations the database accepts, in one transaction; returns the rejected ones.</summary>
    private async Task<IReadOnlyDictionary<string, Exception>> InsertSeparatingRejectedAsync(
        List<List<StoredMessage>> conversations, IReadOnlyList<NewConversation> creations)
    {
        var creationOf = creations.ToDictionary(c => c.ConversationId, StringComparer.Ordinal);
        var rejected = new Dictionary<string, Exception>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Depth first over halves, so the number of statements grows with the number of rejected
        // conversations (times log n), not with the batch.
        var pending = new Stack<ArraySegment<List<StoredMessage>>>();
        pending.Push(conversations.ToArray());
        while (pending.TryPop(out var part))
        {
            await transaction.SaveAsync(Savepoint);
            try
            {
                await InsertAsync(connection, transaction, [.. part.SelectMany(c => c)],
                    [.. part.Select(c => creationOf.GetValueOrDefault(c[0].ConversationId)).OfType<NewConversation>()]);
                await transaction.ReleaseAsync(Savepoint);
            }
            catch (PostgresException ex) when (IsRejectedData(ex))
            {
                await transaction.RollbackAsync(Savepoint);
                if (part.Count == 1)
                {
                    var conversationId = part[0][0].ConversationId;
                    LogConversationRejected(logger, conversationId, part[0].Count, ex);
                    rejected[conversationId] = ex;
                }
                else
                {
                    var half = part.Count / 2;
                    pending.Push(part[half..]);
                    pending.Push(part[..half]);
                }
            }
        }

        await transaction.CommitAsync();
        return rejected;
    }

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
    {
        await using var command = InsertCommand(connection, transaction, SqlFor(creations), messages, creations);

        // Prepared once per pooled connection (Npgsql keeps it), so PostgreSQL parses and plans the
        // statement once instead of for every batch.
        await command.PrepareAsync();
        await command.ExecuteNonQueryAsync();
    }

    private static string SqlFor(IReadOnlyList<NewConversation> creations) => creations.Count == 0 ? InsertSql : CreatingInsertSql;

    private static NpgsqlCommand InsertCommand(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<StoredMessage> messages, IReadOnlyList<NewConversation> creations)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        if (string.Equals(sql, CreatingInsertSql, StringComparison.Ordinal))
        {
            AddCreations(command, creations);
        }

        command.Parameters.Add(Column("conversation_ids", messages, m => m.ConversationId));
        command.Parameters.Add(Column("seqs", messages, m => m.Seq));
        command.Parameters.Add(Column("sender_ids", messages, m => m.SenderId));
        command.Parameters.Add(Column("recipient_ids", messages, m => m.RecipientId));
        command.Parameters.Add(Column("contents", messages, m => m.Content));
        command.Parameters.Add(Column("created_ats", messages, m => m.CreatedAt.ToUniversalTime()));
        command.Parameters.Add(Column("is_greetings", messages, m => m.IsGreeting));
        command.Parameters.Add(Column("client_message_ids", messages, m => m.ClientMessageId));
        command.Parameters.Add(Column("hidden_by_sender", messages, m => m.HiddenBySender));
        command.Parameters.Add(Column("hidden_by_recipient", messages, m => m.HiddenByRecipient));
        return command;
    }

    private static void AddCreations(NpgsqlCommand command, IReadOnlyList<NewConversation> creations)
    {
        var sorted = creations.OrderBy(c => c.ConversationId, StringComparer.Ordinal).ToList();
        var members = sorted
            .SelectMany(c => c.MemberIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(member => (c.ConversationId, Member: member)))
            .ToList();
        command.Parameters.Add(new NpgsqlParameter<string[]>("new_conversation_ids", [.. sorted.Select(c => c.ConversationId)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("new_created_ats", [.. sorted.Select(c => c.CreatedAt.ToUniversalTime())]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("member_conversation_ids", [.. members.Select(m => m.ConversationId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("member_ids", [.. members.Select(m => m.Member)]));
    }

    private static NpgsqlParameter<T[]> Column<T>(string name, IReadOnlyList<StoredMessage> messages, Func<StoredMessage, T> value)
    {
        var values = new T[messages.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(messages[i]);
        }

        return new NpgsqlParameter<T[]>(name, values);
    }

    private static bool IsTransient(Exception ex) => ex is NpgsqlException { IsTransient: true };

    // Class 22 (data exception: value too long, invalid byte sequence) and class 23 (integrity
    // constraint violation: a used seq or client message id) are about the rows, not the database.
    private static bool IsRejectedData(Exception ex) =>
        ex is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a batch of {MessageCount} messages failed transiently; retrying once")]
    private static partial void LogRetrying(ILogger logger, int messageCount, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {MessageCount} messages in {ConversationCount} conversations was not stored")]
    private static partial void LogBatchFailed(ILogger logger, int messageCount, int conversationCount, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageCount} messages of conversation {ConversationId} were rejected by the database and not stored")]
    private static partial void LogConversationRejected(ILogger logger, string conversationId, int messageCount, Exception exception);
}
