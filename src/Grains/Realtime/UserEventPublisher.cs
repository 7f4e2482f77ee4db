using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Social.Grains.Realtime;

namespace Social.Grains.Realtime;

/// <summary>
/// Publishes on users' streams without holding up the caller: the push path is best effort
/// (what it carries is already stored, and clients catch up with <c>afterSeq</c>), so a failed
/// publish is logged, never surfaced as a failed operation.
/// </summary>
public sealed partial class UserEventPublisher(IStreamProvider provider, ILogger logger)
{
    public static UserEventPublisher For(Grain grain, ILogger logger) =>
        new(grain.GetStreamProvider(UserStreams.Provider), logger);

    public void Publish(string userId, UserEvent userEvent)
    {
        var publishing = provider.GetStream<UserEvent>(UserStreams.For(userId)).OnNextAsync(userEvent);
        if (!publishing.IsCompletedSuccessfully)
        {
            _ = publishing.ContinueWith(
                (task, state) => PublishFailed((ILogger)state!, userEvent.GetType().Name, userId, task.Exception!),
                logger,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {EventType} to {UserId} failed; clients will catch up on reconnect")]
    private static partial void PublishFailed(ILogger logger, string eventType, string userId, Exception exception);
}
