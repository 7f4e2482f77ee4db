using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Social.Grains.Messages;
using Social.WebFront.Api;

namespace Social.WebFront.Realtime;

/// <summary>
/// How the hub refuses: a HubException whose message starts with the code REST would answer
/// with (from <see cref="Problems"/>), then the detail, and for invalid input which input and why.
/// </summary>
public static class HubRefusals
{
    public static HubException From(ProblemHttpResult problem, TimeSpan? retryAfter = null)
    {
        var detail = problem.ProblemDetails.Extensions.TryGetValue("errors", out var value) && value is IDictionary<string, string[]> errors
            ? string.Join(" ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}"))
            : problem.ProblemDetails.Detail;
        return Refusal(Problems.CodeOf(problem), detail, retryAfter);
    }

    public static HubException From(MessageError error, TimeSpan? retryAfter) =>
        From(Problems.FromMessageError(error, retryAfter, response: null), retryAfter);

    public static HubException Validation(string field, string message) => From(Problems.Validation(field, message));

    /// <summary>The server cannot serve the call now (at capacity, or the cluster did not answer).</summary>
    public static HubException Unavailable(string detail, TimeSpan retryAfter) => Refusal(Problems.Codes.Unavailable, detail, retryAfter);

    public static HubException TooManyConnections(int max) =>
        Refusal(Problems.Codes.TooManyConnections, $"At most {max} connections per user.", retryAfter: null);

    private static HubException Refusal(string code, string? detail, TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } delay ? $" Retry after {Math.Ceiling(delay.TotalSeconds)} s." : "";
        return new HubException($"{code}: {detail}{wait}");
    }
}
