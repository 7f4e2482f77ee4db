namespace Social.Grains.Presence;

/// <summary>
/// What friends see of a user: <see cref="Unknown"/> when presence is not shared (the user hides
/// it, or the viewer hides their own and so sees nobody's).
/// </summary>
[GenerateSerializer, Alias("Social.PresenceStatus")]
public enum PresenceStatus
{
    Offline = 0,
    Online = 1,
    Away = 2,
    Unknown = 3,
}
