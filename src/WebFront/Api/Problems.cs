using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains.Friends;
using Social.Grains.Groups;
using Social.Grains.Messages;

namespace Social.WebFront.Api;

/// <summary>
/// The one place that turns a refused rule into the contract's problem+json: the HTTP status and
/// the <c>code</c> member clients branch on.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: TitleFor(code),
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(
            detail: "One or more inputs are not valid.",
            statusCode: StatusCodes.Status400BadRequest,
            title: TitleFor("validation_failed"),
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed", ["errors"] = errors });

    public static ProblemHttpResult UserNotFound() => Of(StatusCodes.Status404NotFound, "user_not_found", "No such user.");

    /// <summary>A 429 with <c>Retry-After</c> in whole seconds, rounded up.</summary>
    public static ProblemHttpResult RateLimited(HttpResponse response, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, "rate_limited", $"Too many requests; retry in {seconds} s.");
    }

    public static ProblemHttpResult FromFriendError(FriendshipResult result, HttpResponse response) => result.Error switch
    {
        FriendError.CannotFriendSelf => Of(400, "cannot_friend_self", "You cannot befriend yourself."),
        FriendError.Blocked => Of(403, "blocked", "One of you has blocked the other."),
        FriendError.RequestAlreadySent => Of(409, "request_already_sent", "A friend request is already pending."),
        FriendError.AlreadyFriends => Of(409, "already_friends", "You are already friends."),
        FriendError.FriendLimitReached => Of(409, "friend_limit_reached", "The friend limit has been reached."),
        FriendError.NoPendingRequest => Of(404, "no_pending_request", "There is no pending request."),
        FriendError.NotFriends => Of(404, "not_friends", "You are not friends."),
        FriendError.NotBlocked => Of(404, "not_blocked", "You have not blocked this user."),
        FriendError.RateLimited => RateLimited(response, result.RetryAfter ?? TimeSpan.FromSeconds(1)),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Error, "Not an error."),
    };

    public static ProblemHttpResult FromMessageError(MessageError error, TimeSpan? retryAfter, HttpResponse? response) => error switch
    {
        MessageError.EmptyMessage => Of(400, "empty_message", "The message is empty."),
        MessageError.MessageTooLong => Of(400, "message_too_long", $"Messages are at most {MessageContent.MaxCodePoints} characters."),
        MessageError.InvalidContent => Validation("content", "The text is not valid Unicode (a lone surrogate) or holds a NUL character."),
        MessageError.InvalidRecipient => Validation("recipientId", "You cannot message yourself."),
        MessageError.NotFriends => Of(403, "not_friends", "You can only message friends."),
        MessageError.Blocked => Of(403, "blocked", "One of you has blocked the other."),
        MessageError.ProRequired => Of(403, "pro_required", "Greetings need a PRO plan."),
        MessageError.GreetingAlreadySent => Of(409, "greeting_already_sent", "You have already greeted this user."),
        MessageError.AlreadyFriends => Of(409, "already_friends", "You are already friends: send a message instead."),
        MessageError.ConversationNotFound => Of(404, "conversation_not_found", "No such conversation, or you are not in it."),
        MessageError.MessageNotFound => Of(404, "message_not_found", "No such message in this conversation."),
        MessageError.RateLimited when response is not null => RateLimited(response, retryAfter ?? TimeSpan.FromSeconds(1)),
        MessageError.RateLimited => Of(429, "rate_limited", "Too many messages; slow down."),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Not an error."),
    };

    public static ProblemHttpResult FromGroupError(GroupError error) => error switch
    {
        GroupError.GroupNotFound => Of(404, "group_not_found", "No such group, or you are not in it."),
        GroupError.NotGroupAdmin => Of(403, "not_group_admin", "Your role in this group does not allow that."),
        GroupError.NotFriends => Of(403, "not_friends", "You can only add your friends."),
        GroupError.Blocked => Of(403, "blocked", "One of you has blocked the other."),
        GroupError.AlreadyMember => Of(409, "already_member", "Already a member of this group."),
        GroupError.NotMember => Of(404, "not_member", "Not a member of this group."),
        GroupError.GroupFull => Of(409, "group_full", "The group has as many members as it may."),
        GroupError.InvalidName => Validation("name", $"1 to {GroupNames.MaxCodePoints} characters, not blank, without control characters."),
        GroupError.InvalidTarget => Of(400, "invalid_group_target", "That member's role or membership cannot be changed that way."),
        GroupError.GroupExists => Of(409, "group_exists", "A group with this id exists; retry."),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Not an error."),
    };

    /// <summary>The code for a response that has no code of its own (framework 4xx/5xx).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        400 => "validation_failed",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };

    private static string TitleFor(string code) => code.Replace('_', ' ') switch
    {
        var words => char.ToUpperInvariant(words[0]) + words[1..],
    };
}
