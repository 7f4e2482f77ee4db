namespace Social.Grains.Presence;

/// <summary>
/// A user's presence as a friend sees it. <see cref="LastSeenAt"/> is when the user's last
/// connection closed (or its front stopped renewing it); only an offline user has one.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.PresenceView")]
public sealed record PresenceView(
    [property: Id(0)] PresenceStatus Status,
    [property: Id(1)] DateTimeOffset? LastSeenAt)
{
    public static PresenceView Unknown { get; } = new(PresenceStatus.Unknown, null);

    public static PresenceView Offline { get; } = new(PresenceStatus.Offline, null);

    /// <summary>The value clients read: <c>online</c>, <c>away</c>, <c>offline</c> or <c>unknown</c>.</summary>
    public string ContractStatus => Status switch
    {
        PresenceStatus.Online => "online",
        PresenceStatus.Away => "away",
        PresenceStatus.Offline => "offline",
        _ => "unknown",
    };
}

/// <summary>A user's own presence and setting, as the user sees it.</summary>
[GenerateSerializer, Immutable, Alias("Social.OwnPresence")]
public sealed record OwnPresence(
    [property: Id(0)] PresenceStatus Status,
    [property: Id(1)] bool Hidden);
