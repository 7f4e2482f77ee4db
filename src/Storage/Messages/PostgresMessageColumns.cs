using Npgsql;

namespace Social.Storage.Messages;

/// <summary>The columns of a <c>messages</c> row (schema script <c>005_messages.sql</c>) and how to read one.</summary>
internal static class PostgresMessageColumns
{
    /// <summary>The columns in <see cref="Read"/>'s order.</summary>
    public const string List =
        "conversation_id, seq, sender_id, recipient_id, content, created_at, " +
        "is_greeting, client_message_id, is_hidden_sender, is_hidden_recipient";

    /// <summary>Reads the <see cref="List"/> columns starting at ordinal <paramref name="first"/>.</summary>
    public static StoredMessage Read(NpgsqlDataReader reader, int first = 0) => new(
        ConversationId: reader.GetString(first),
        Seq: reader.GetInt64(first + 1),
        SenderId: reader.GetString(first + 2),
        RecipientId: reader.GetString(first + 3),
        Content: reader.GetString(first + 4),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(first + 5),
        IsGreeting: reader.GetBoolean(first + 6),
        ClientMessageId: reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        HiddenBySender: reader.GetBoolean(first + 8),
        HiddenByRecipient: reader.GetBoolean(first + 9));
}
