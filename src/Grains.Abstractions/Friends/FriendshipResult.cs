namespace Social.Grains.Friends;

/// <summary>
/// The outcome of a friend operation: the status it left the pair in, or the rule that refused it
/// (with how long to wait when it was the rate limit).
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.FriendshipResult")]
public sealed record FriendshipResult(
    [property: Id(0)] FriendError Error,
    [property: Id(1)] PeerStatus Status,
    [property: Id(2)] TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Error == FriendError.None;

    public static FriendshipResult Ok(PeerStatus status) => new(FriendError.None, status);

    public static FriendshipResult Fail(FriendError error, TimeSpan? retryAfter = null) => new(error, PeerStatus.None, retryAfter);
}
