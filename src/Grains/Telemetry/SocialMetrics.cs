using System.Diagnostics.Metrics;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Grains.Telemetry;

/// <summary>
/// Social's own instruments, on the meter <see cref="MeterName"/>, named after OpenTelemetry's
/// conventions (dotted lower-case names, units in UCUM, durations in seconds). Every recording
/// method returns at once when nothing listens to its instrument, so the call sites on the hot
/// paths cost a field read and a branch when telemetry is off.
/// </summary>
public static class SocialMetrics
{
    public const string MeterName = "Social";

    /// <summary>Transport tag values.</summary>
    public const string SignalR = "signalr";
    public const string WebSocket = "websocket";

    // Durations from a millisecond to ten seconds: a send waits for one group commit, a push for
    // a stream poll (10 ms) and a hop or two.
    internal static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> MessagesAccepted = Meter.CreateCounter<long>(
        "social.messages.accepted", "{message}", "New messages stored and acknowledged (retries answered with the first copy are not counted).");

    private static readonly Counter<long> MessagesRefused = Meter.CreateCounter<long>(
        "social.messages.refused", "{message}", "Sends refused by a rule, by the contract's error code.");

    private static readonly Histogram<double> SendDuration = Meter.CreateHistogram(
        "social.message.send.duration", "s", "Send to commit: from the conversation grain receiving an accepted send to its acknowledgement (admission, seq, group commit).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Histogram<double> PushDuration = Meter.CreateHistogram(
        "social.message.push.duration", "s", "Send to push: from a message's timestamp to its new_message event reaching a front for delivery.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>(
        "social.events.published", "{event}", "Events published on users' streams, by type.");

    private static readonly Counter<long> EventsDelivered = Meter.CreateCounter<long>(
        "social.events.delivered", "{event}", "Events handed to a transport for a user's connections on this front, by transport and type.");

    private static readonly UpDownCounter<long> ConnectionsActive = Meter.CreateUpDownCounter<long>(
        "social.connections.active", "{connection}", "Open real-time connections on this front, by transport.");

    private static readonly Counter<long> FriendOperations = Meter.CreateCounter<long>(
        "social.friends.operations", "{operation}", "Friend operations decided by pair grains, by operation and outcome (ok or the contract's error code).");

    private static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>(
        "social.rate_limit.refusals", "{request}", "Requests refused by a rate limit, by limit (messages, friend_requests, logins).");

    private static readonly Counter<long> LoginFailures = Meter.CreateCounter<long>(
        "social.auth.login.failures", "{attempt}", "Failed logins, by reason (invalid_credentials, rate_limited).");

    /// <summary>True when a listener wants the outcomes of grain calls (sends, friend operations).</summary>
    public static bool OutcomesObserved => MessagesAccepted.Enabled || MessagesRefused.Enabled || FriendOperations.Enabled || RateLimitRefusals.Enabled;

    public static void MessageAccepted(TimeSpan elapsed)
    {
        MessagesAccepted.Add(1);
        if (SendDuration.Enabled)
        {
            SendDuration.Record(elapsed.TotalSeconds);
        }
    }

    public static void MessageRefused(MessageError error)
    {
        MessagesRefused.Add(1, new KeyValuePair<string, object?>("code", Codes.Of(error)));
        if (error == MessageError.RateLimited)
        {
            RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", "messages"));
        }
    }

    /// <summary>
    /// A send refused by a front at capacity (503 <c>unavailable</c>), before any grain saw it;
    /// <paramref name="reason"/> says which limit: <c>in_flight</c> or <c>saturated</c>.
    /// </summary>
    public static void SendShed(string reason) =>
        MessagesRefused.Add(1, new KeyValuePair<string, object?>("code", "unavailable"), new KeyValuePair<string, object?>("reason", reason));

    public static void FriendOperation(string operation, FriendError error)
    {
        FriendOperations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", Codes.Of(error)));
        if (error == FriendError.RateLimited)
        {
            RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", "friend_requests"));
        }
    }

    public static void LoginFailed(bool throttled)
    {
        LoginFailures.Add(1, new KeyValuePair<string, object?>("reason", throttled ? "rate_limited" : "invalid_credentials"));
        if (throttled)
        {
            RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", "logins"));
        }
    }

    /// <summary>An event published on a user's stream.</summary>
    public static void EventPublished(UserEvent userEvent)
    {
        if (EventsPublished.Enabled)
        {
            EventsPublished.Add(1, new KeyValuePair<string, object?>("type", Codes.Of(userEvent)));
        }
    }

    /// <summary>An event arrived at a front for one of its users: for a new message, how long after it was stored.</summary>
    public static void EventArrived(UserEvent userEvent)
    {
        if (PushDuration.Enabled && userEvent is NewMessageEvent newMessage)
        {
            PushDuration.Record(Math.Max(0, (DateTimeOffset.UtcNow - newMessage.Message.CreatedAt).TotalSeconds));
        }
    }

    /// <summary>An event handed to a transport (<see cref="SignalR"/>, <see cref="WebSocket"/>) for a user's connections.</summary>
    public static void EventDelivered(string transport, string eventName) =>
        EventsDelivered.Add(1, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("type", eventName));

    public static void ConnectionOpened(string transport) =>
        ConnectionsActive.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public static void ConnectionClosed(string transport) =>
        ConnectionsActive.Add(-1, new KeyValuePair<string, object?>("transport", transport));
}
