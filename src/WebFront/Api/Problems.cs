using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains.Friends;
using Social.Grains.Groups;
using Social.Grains.Messages;

namespace Social.WebFront.Api;

/// <summary>
/// The one place that turns a refused rule into the contract's problem+json: the HTTP status and
/// the <c>code</c> member clients branch on. Every code the server sends, over REST, the hub or
/// the raw WebSocket, is spelled here (<see cref="Codes"/>) and nowhere else.
/// </summary>
public static class Problems
{
    /// <summary>The codes; the contract's are fixed (<c>../shared/API-CONTRACT.md</c>), the others are in <c>docs/api.md</c>.</summary>
    public static class Codes
    {
        public const string ValidationFailed = "validation_failed";
        public const string Unauthorized = "unauthorized";
        public const string Forbidden = "forbidden";
        public const string NotFound = "not_found";
        public const string UserNotFound = "user_not_found";
        public const string ConversationNotFound = "conversation_not_found";
        public const string MessageNotFound = "message_not_found";
        public const string RateLimited = "rate_limited";
        public const string Unavailable = "unavailable";
        public const string InternalError = "internal_error";
        public const string ClientClosedRequest = "client_closed_request";

        public const string UsernameTaken = "username_taken";
        public const string AddressTaken = "address_taken";
        public const string InvalidCredentials = "invalid_credentials";
        public const string WrongPassword = "wrong_password";

        public const string CannotFriendSelf = "cannot_friend_self";
        public const string Blocked = "blocked";
        public const string RequestAlreadySent = "request_already_sent";
        public const string AlreadyFriends = "already_friends";
        public const string FriendLimitReached = "friend_limit_reached";
        public const string NoPendingRequest = "no_pending_request";
        public const string NotFriends = "not_friends";
        public const string NotBlocked = "not_blocked";

        public const string EmptyMessage = "empty_message";
        public const string MessageTooLong = "message_too_long";
        public const string ProRequired = "pro_required";
        public const string GreetingAlreadySent = "greeting_already_sent";

        // Real time.
        public const string AuthFailed = "auth_failed";
        public const string TooManyConnections = "too_many_connections";
        public const string UnknownAction = "unknown_action";

        /// <summary>The raw WebSocket's close reason when the token expires (the frame before it says <see cref="Unauthorized"/>).</summary>
        public const string TokenExpired = "token_expired";

        /// <summary>The raw WebSocket's close reason when a password change ended the token's session.</summary>
        public const string SessionEnded = "session_ended";
    }

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
            title: TitleFor(Codes.ValidationFailed),
            extensions: new Dictionary<string, object?> { ["code"] = Codes.ValidationFailed, ["errors"] = errors });

    public static ProblemHttpResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, Codes.Unauthorized, detail);

    public static ProblemHttpResult UserNotFound() => Of(StatusCodes.Status404NotFound, Codes.UserNotFound, "No such user.");

    public static ProblemHttpResult ConversationNotFound() => FromMessageError(MessageError.ConversationNotFound, null, null);

    public static ProblemHttpResult UsernameTaken() => Of(StatusCodes.Status409Conflict, Codes.UsernameTaken, "That username is taken.");

    public static ProblemHttpResult AddressTaken() => Of(StatusCodes.Status409Conflict, Codes.AddressTaken, "That address belongs to another user.");

    public static ProblemHttpResult InvalidCredentials() => Of(StatusCodes.Status401Unauthorized, Codes.InvalidCredentials, "Wrong username or password.");

    /// <summary>A 429 with <c>Retry-After</c> in whole seconds, rounded up.</summary>
    public static ProblemHttpResult RateLimited(HttpResponse response, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, Codes.RateLimited, $"Too many requests; retry in {seconds} s.");
    }

    public static ProblemHttpResult FromFriendError(FriendshipResult result, HttpResponse response) => result.Error switch
    {
        FriendError.RateLimited => RateLimited(response, result.RetryAfter ?? TimeSpan.FromSeconds(1)),
        var error when FriendRefusal(error) is { } refusal => Of(refusal.Status, refusal.Code, refusal.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Error, "Not an error."),
    };

    /// <summary>The code of a refused friend operation, as batch results report it.</summary>
    public static string CodeOf(FriendError error) =>
        error == FriendError.RateLimited ? Codes.RateLimited
            : FriendRefusal(error)?.Code ?? throw new ArgumentOutOfRangeException(nameof(error), error, "Not an error.");

    public static ProblemHttpResult FromMessageError(MessageError error, TimeSpan? retryAfter, HttpResponse? response) => error switch
    {
        MessageError.InvalidContent => Validation("content", "The text is not valid Unicode (a lone surrogate) or holds a NUL character."),
        MessageError.InvalidRecipient => Validation("recipientId", "You cannot message yourself."),
        MessageError.RateLimited when response is not null => RateLimited(response, retryAfter ?? TimeSpan.FromSeconds(1)),
        MessageError.RateLimited => Of(429, Codes.RateLimited, "Too many messages; slow down."),
        _ when MessageRefusal(error) is { } refusal => Of(refusal.Status, refusal.Code, refusal.Detail),
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
        400 => Codes.ValidationFailed,
        401 => Codes.Unauthorized,
        403 => Codes.Forbidden,
        404 => Codes.NotFound,
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => Codes.RateLimited,
        503 => Codes.Unavailable,
        _ when status >= 500 => Codes.InternalError,
        _ => "error",
    };

    /// <summary>The code a problem carries.</summary>
    public static string CodeOf(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is string text ? text : CodeForStatus(problem.StatusCode);

    private static (int Status, string Code, string Detail)? FriendRefusal(FriendError error) => error switch
    {
        FriendError.CannotFriendSelf => (400, Codes.CannotFriendSelf, "You cannot befriend yourself."),
        FriendError.Blocked => (403, Codes.Blocked, "One of you has blocked the other."),
        FriendError.RequestAlreadySent => (409, Codes.RequestAlreadySent, "A friend request is already pending."),
        FriendError.AlreadyFriends => (409, Codes.AlreadyFriends, "You are already friends."),
        FriendError.FriendLimitReached => (409, Codes.FriendLimitReached, "The friend limit has been reached."),
        FriendError.NoPendingRequest => (404, Codes.NoPendingRequest, "There is no pending request."),
        FriendError.NotFriends => (404, Codes.NotFriends, "You are not friends."),
        FriendError.NotBlocked => (404, Codes.NotBlocked, "You have not blocked this user."),
        _ => null,
    };

    private static (int Status, string Code, string Detail)? MessageRefusal(MessageError error) => error switch
    {
        MessageError.EmptyMessage => (400, Codes.EmptyMessage, "The message is empty."),
        MessageError.MessageTooLong => (400, Codes.MessageTooLong, $"Messages are at most {MessageContent.MaxCodePoints} characters."),
        MessageError.NotFriends => (403, Codes.NotFriends, "You can only message friends."),
        MessageError.Blocked => (403, Codes.Blocked, "One of you has blocked the other."),
        MessageError.ProRequired => (403, Codes.ProRequired, "Greetings need a PRO plan."),
        MessageError.GreetingAlreadySent => (409, Codes.GreetingAlreadySent, "You have already greeted this user."),
        MessageError.AlreadyFriends => (409, Codes.AlreadyFriends, "You are already friends: send a message instead."),
        MessageError.ConversationNotFound => (404, Codes.ConversationNotFound, "No such conversation, or you are not in it."),
        MessageError.MessageNotFound => (404, Codes.MessageNotFound, "No such message in this conversation."),
        _ => null,
    };

    private static string TitleFor(string code) => code.Replace('_', ' ') switch
    {
        var words => char.ToUpperInvariant(words[0]) + words[1..],
    };
}
