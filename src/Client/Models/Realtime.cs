using System.Text.Json;

namespace Social.Client;

/// <summary>A position in the user's event sequence; positions compare only within one epoch.</summary>
/// <param name="Epoch">The run of the sequence.</param>
/// <param name="Seq">The event's number in that run, from 1 without gaps.</param>
public sealed record EventPosition(long Epoch, long Seq);

/// <summary>The payload of <c>read_receipt</c>.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="ReaderId">Who read.</param>
/// <param name="LastReadSeq">Up to which message.</param>
/// <param name="ReadAt">When.</param>
public sealed record ReadReceipt(string ConversationId, string ReaderId, long LastReadSeq, DateTimeOffset ReadAt);

/// <summary>The payload of <c>friend_request</c>.</summary>
/// <param name="FromUserId">Who asked.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="CreatedAt">When.</param>
public sealed record FriendRequestNotice(string FromUserId, string Username, string DisplayName, DateTimeOffset CreatedAt);

/// <summary>The payload of <c>friend_accepted</c>.</summary>
/// <param name="UserId">The new friend.</param>
/// <param name="Username">Their username.</param>
/// <param name="DisplayName">Their display name.</param>
public sealed record FriendAcceptedNotice(string UserId, string Username, string DisplayName);

/// <summary>The payload of <c>typing</c>.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">Who is typing.</param>
public sealed record TypingNotice(string ConversationId, string UserId);

/// <summary>The payload of the hub's <c>error</c> event.</summary>
/// <param name="Code">An <see cref="ErrorCodes"/> value.</param>
/// <param name="Message">For people, not for branching.</param>
public sealed record ServerError(string Code, string Message);

/// <summary>The payload of the relationship events (<c>friend_removed</c>, …): the other user.</summary>
/// <param name="UserId">The other user.</param>
public sealed record RelationshipNotice(string UserId);

/// <summary>The argument of the hub's <c>Resume</c>.</summary>
/// <param name="Epoch">The last epoch seen.</param>
/// <param name="Seq">The last seq seen.</param>
internal sealed record ResumeRequest(long Epoch, long Seq);

/// <summary>What <c>Resume</c> answers.</summary>
/// <param name="Complete">False: catch up through REST.</param>
/// <param name="Events">The missed events, in order.</param>
internal sealed record ResumeResult(bool Complete, IReadOnlyList<ReplayedEvent> Events);

/// <summary>One replayed event.</summary>
/// <param name="Type">The event's name.</param>
/// <param name="Data">Its payload.</param>
/// <param name="Epoch">Its epoch.</param>
/// <param name="Seq">Its seq.</param>
internal sealed record ReplayedEvent(string Type, JsonElement Data, long Epoch, long Seq);
