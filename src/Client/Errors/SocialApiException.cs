namespace Social.Client;

/// <summary>
/// The server refused a call: an RFC 9457 problem over REST, or a hub refusal (a
/// <c>HubException</c> whose message starts with the code). Branch on <see cref="Code"/>
/// (an <see cref="ErrorCodes"/> value) and <see cref="Status"/>.
/// </summary>
public sealed class SocialApiException : Exception
{
    /// <summary>Creates the exception for a refusal.</summary>
    /// <param name="status">The HTTP status, or null for a hub refusal.</param>
    /// <param name="code">The contract's code.</param>
    /// <param name="detail">The server's explanation, for people.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> the server gave.</param>
    /// <param name="errors">Per-field messages of <c>validation_failed</c>.</param>
    /// <param name="inner">What was caught, for a hub refusal.</param>
    public SocialApiException(int? status, string code, string? detail, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, string[]>? errors = null, Exception? inner = null)
        : base(status is null ? $"{code}: {detail}" : $"{status} {code}: {detail}", inner)
    {
        Status = status;
        Code = code;
        Detail = detail;
        RetryAfter = retryAfter;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status; null when the hub refused.</summary>
    public int? Status { get; }

    /// <summary>The contract's code (see <see cref="ErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>The server's explanation, for people.</summary>
    public string? Detail { get; }

    /// <summary>How long to wait before trying again, when the server said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Per-field messages of <c>validation_failed</c>; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>
    /// True when the same call may succeed later unchanged: rate limits, overload, server
    /// failures. Rule refusals (not friends, blocked, …) are not.
    /// </summary>
    public bool IsTransient => Code is ErrorCodes.RateLimited or ErrorCodes.Unavailable or ErrorCodes.ServerError
        || Status is 408 or 429 or >= 500;
}
