using Orleans.Runtime;

namespace Social.Grains.Realtime;

/// <summary>Each user has one stream of <see cref="UserEvent"/>s: grains publish, front ends subscribe.</summary>
public static class UserStreams
{
    /// <summary>The stream provider (Orleans memory streams; subscriptions kept in the PubSubStore).</summary>
    public const string Provider = "social";

    public const string Namespace = "user";

    public static StreamId For(string userId) => StreamId.Create(Namespace, userId);
}
