namespace Social.Grains.Presence;

/// <summary>
/// What a presence grain stores: the setting and the last-seen time. Stored as JSON without type
/// names (see JsonGrainStorageSerializer), so member names are the storage contract.
/// </summary>
[GenerateSerializer, Alias("Social.PresenceState")]
public sealed class PresenceState
{
    [Id(0)]
    public bool Hidden { get; set; }

    [Id(1)]
    public DateTimeOffset? LastSeenAt { get; set; }
}
