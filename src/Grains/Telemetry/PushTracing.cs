using System.Diagnostics;

namespace Social.Grains.Telemetry;

/// <summary>
/// Carries a message's trace across the user's stream: the user grain stamps each owed event with
/// the trace it was published in, and the front's delivery of it is a span of that same trace
/// ("push new_message"), so one trace runs from the send to every front that pushed it.
/// </summary>
public static class PushTracing
{
    public const string SourceName = "Social.Push";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The W3C <c>traceparent</c> of the current span when it is being recorded; else null (and nothing travels).</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { Recorded: true, IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A span for delivering one event to a user's connections, in the trace it was published in.</summary>
    public static Activity? StartDelivery(string eventName, string? traceParent) =>
        traceParent is not null && Source.HasListeners() && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity($"push {eventName}", ActivityKind.Consumer, parent)
            : null;
}
