using Orleans.Runtime;

namespace Social.Grains.Realtime;

/// <summary>Each user has one stream of <see cref="UserEvent"/>s: grains publish, front ends subscribe.</summary>
public static class UserStreams
{
    /// <summary>
    /// The stream provider (Orleans memory streams; subscriptions kept in the PubSubStore). Its name
    /// must not be a grain storage's: Orleans keeps a provider's pub-sub state in the storage of the
    /// same name when there is one, and our JSON storage cannot read Orleans' pub-sub state back.
    /// </summary>
    public const string Provider = "user-events";

    public const string Namespace = "user";

    public static StreamId For(string userId) => StreamId.Create(Namespace, userId);
}
