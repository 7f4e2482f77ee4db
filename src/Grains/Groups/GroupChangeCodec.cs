using System.Text.Json;
using Social.Storage.Messages;

namespace Social.Grains.Groups;

/// <summary>
/// System messages are stored as rows of <c>messages</c> with an empty recipient and the change
/// as JSON content; ordinary group messages have the group's id as their recipient.
/// </summary>
internal static class GroupChangeCodec
{
    public const string SystemRecipient = "";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static bool IsSystem(StoredMessage message) => message.RecipientId.Length == 0;

    public static string Encode(GroupChange change) => JsonSerializer.Serialize(change, Json);

    public static GroupChange Decode(string content) =>
        JsonSerializer.Deserialize<GroupChange>(content, Json) ?? throw new InvalidDataException("Empty group change.");

    /// <summary>What a client that knows nothing of <c>system</c> shows.</summary>
    public static string Describe(GroupChange change) => change.Type switch
    {
        GroupChangeTypes.Created => $"Group \"{change.Name}\" created",
        GroupChangeTypes.MemberAdded => "Member added",
        GroupChangeTypes.MemberRemoved => "Member removed",
        GroupChangeTypes.MemberLeft => "Member left",
        GroupChangeTypes.Renamed => $"Group renamed to \"{change.Name}\"",
        GroupChangeTypes.RoleChanged => change.Role == "admin" ? "Member made admin" : "Admin made member",
        GroupChangeTypes.OwnerChanged => "Group owner changed",
        _ => "Group changed",
    };

    public static GroupMessage ToMessage(StoredMessage stored)
    {
        var system = IsSystem(stored) ? Decode(stored.Content) : null;
        return new GroupMessage(
            Messages.ConversationIds.MessageId(stored.ConversationId, stored.Seq),
            stored.ConversationId,
            stored.Seq,
            stored.SenderId,
            stored.ConversationId,
            system is null ? stored.Content : Describe(system),
            stored.CreatedAt,
            IsGreeting: false,
            stored.ClientMessageId,
            system);
    }

    /// <summary>The contract's Message shape, for the conversation list's <c>lastMessage</c>.</summary>
    public static Messages.Message ToContractMessage(GroupMessage message) => new(
        message.MessageId, message.ConversationId, message.Seq, message.SenderId, message.RecipientId,
        message.Content, message.CreatedAt, message.IsGreeting, message.ClientMessageId);
}
