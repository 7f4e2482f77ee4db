using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Social.Grains.Realtime;

/// <summary>
/// Publishes on users' streams without holding up the caller. What is published is already
/// stored, and owed events are numbered, so a lost publish is found and repaired by the front
/// ends (see <c>docs/architecture.md</c>, real-time delivery); a failed one is only logged.
/// </summary>
public sealed partial class UserEventPublisher(IStreamProvider provider, ILogger logger)
{
    public static UserEventPublisher For(Grain grain, ILogger logger) =>
        new(grain.GetStreamProvider(UserStreams.Provider), logger);

    public void Publish(string userId, StreamedUserEvent streamed)
    {
        Telemetry.SocialMetrics.EventPublished(streamed.Event);
        var publishing = provider.GetStream<StreamedUserEvent>(UserStreams.For(userId)).OnNextAsync(streamed);
        if (!publishing.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(publishing, userId, streamed);
        }
    }

    /// <summary>Publishes and waits, for callers that retry (the position marker).</summary>
    public Task PublishAsync(string userId, StreamedUserEvent streamed) =>
        provider.GetStream<StreamedUserEvent>(UserStreams.For(userId)).OnNextAsync(streamed);

    private async Task ObserveAsync(Task publishing, string userId, StreamedUserEvent streamed)
    {
        try
        {
            // Not back on the grain: logging touches none of its state, and a turn per event
            // queued on the user's grain (a task, a continuation and a wait behind its other work)
            // only to see the publish succeed was most of what observing cost.
            await publishing.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            PublishFailed(logger, streamed.Event.GetType().Name, userId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {EventType} to {UserId} failed; front ends repair it from the user's recent events")]
    private static partial void PublishFailed(ILogger logger, string eventType, string userId, Exception exception);
}
