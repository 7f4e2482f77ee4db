namespace Social.Grains.Users;

[GenerateSerializer, Immutable, Alias("Social.UserSummary")]
public sealed record UserSummary(
    [property: Id(0)] Plan Plan,
    [property: Id(1)] int FriendCount,
    [property: Id(2)] int FriendLimit);
