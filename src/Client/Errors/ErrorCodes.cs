namespace Social.Client;

/// <summary>The <c>code</c> values of the contract and of <c>docs/api.md</c>; branch on these, never on text.</summary>
public static class ErrorCodes
{
    /// <summary>400: the request's fields are invalid (see <see cref="SocialApiException.Errors"/>).</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>401: no valid token (or a wrong admin key).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>401: wrong username or password.</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>403: the current password given to a password change is wrong (the token itself is fine).</summary>
    public const string WrongPassword = "wrong_password";

    /// <summary>403: the caller may not do that (a password change on an outside identity provider's account).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404: no such user, or that user blocked the caller.</summary>
    public const string UserNotFound = "user_not_found";

    /// <summary>404: no such conversation, or the caller is not in it.</summary>
    public const string ConversationNotFound = "conversation_not_found";

    /// <summary>429: too many requests; wait <see cref="SocialApiException.RetryAfter"/>.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>503: the server sheds load; nothing was stored, retry after <see cref="SocialApiException.RetryAfter"/>.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>409: the username is taken.</summary>
    public const string UsernameTaken = "username_taken";

    /// <summary>409: the address belongs to another user.</summary>
    public const string AddressTaken = "address_taken";

    /// <summary>400: a user cannot befriend themself.</summary>
    public const string CannotFriendSelf = "cannot_friend_self";

    /// <summary>403: a block stands between the two users.</summary>
    public const string Blocked = "blocked";

    /// <summary>409: the request was already sent.</summary>
    public const string RequestAlreadySent = "request_already_sent";

    /// <summary>409: already friends.</summary>
    public const string AlreadyFriends = "already_friends";

    /// <summary>409: a side is at its friend limit.</summary>
    public const string FriendLimitReached = "friend_limit_reached";

    /// <summary>404: no pending request to accept, reject or cancel.</summary>
    public const string NoPendingRequest = "no_pending_request";

    /// <summary>404 (unfriend) or 403 (send): not friends.</summary>
    public const string NotFriends = "not_friends";

    /// <summary>404: the caller had not blocked that user.</summary>
    public const string NotBlocked = "not_blocked";

    /// <summary>400: the message is empty.</summary>
    public const string EmptyMessage = "empty_message";

    /// <summary>400: over 2,000 code points.</summary>
    public const string MessageTooLong = "message_too_long";

    /// <summary>403: greetings are for PRO members.</summary>
    public const string ProRequired = "pro_required";

    /// <summary>409: one greeting per sender and recipient, ever.</summary>
    public const string GreetingAlreadySent = "greeting_already_sent";

    /// <summary>404: no such group, or the caller is not a member (its existence is not revealed).</summary>
    public const string GroupNotFound = "group_not_found";

    /// <summary>409: the group has its maximum of members.</summary>
    public const string GroupFull = "group_full";

    /// <summary>409: the user is a member already.</summary>
    public const string AlreadyMember = "already_member";

    /// <summary>403: only the owner or an admin may do that.</summary>
    public const string NotGroupAdmin = "not_group_admin";

    /// <summary>400: not on that member (the owner cannot be removed or have their role changed).</summary>
    public const string InvalidGroupTarget = "invalid_group_target";

    /// <summary>404: the user is not a member of the group.</summary>
    public const string NotMember = "not_member";

    /// <summary>404: no such message in the conversation.</summary>
    public const string MessageNotFound = "message_not_found";

    /// <summary>The hub refused a connection: the user holds too many.</summary>
    public const string TooManyConnections = "too_many_connections";

    /// <summary>The server failed without a code (a 5xx without a problem body, or a hub failure).</summary>
    public const string ServerError = "server_error";
}
