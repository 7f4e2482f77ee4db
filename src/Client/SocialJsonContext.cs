using System.Text.Json;
using System.Text.Json.Serialization;
using Social.Client.Http;

namespace Social.Client;

/// <summary>Source-generated JSON for every type on the wire, so the client trims and compiles ahead of time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(AuthResult))]
[JsonSerializable(typeof(SetPlanRequest))]
[JsonSerializable(typeof(CurrentUser))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(UserSearchResult))]
[JsonSerializable(typeof(FriendStatus))]
[JsonSerializable(typeof(BatchAcceptResult))]
[JsonSerializable(typeof(FriendPage))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(GreetingRequest))]
[JsonSerializable(typeof(MarkReadRequest))]
[JsonSerializable(typeof(HideRequest))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(ReadState))]
[JsonSerializable(typeof(ConversationPage))]
[JsonSerializable(typeof(ConversationRef))]
[JsonSerializable(typeof(UnreadSummary))]
[JsonSerializable(typeof(EventPosition))]
[JsonSerializable(typeof(ReadReceipt))]
[JsonSerializable(typeof(FriendRequestNotice))]
[JsonSerializable(typeof(FriendAcceptedNotice))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(ServerError))]
[JsonSerializable(typeof(RelationshipNotice))]
[JsonSerializable(typeof(ResumeRequest))]
[JsonSerializable(typeof(ResumeResult))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class SocialJsonContext : JsonSerializerContext;
