namespace Social.Grains.Friends;

/// <summary>Why a friend operation was refused; the front maps each to the contract's error code.</summary>
[GenerateSerializer, Alias("Social.FriendError")]
public enum FriendError
{
    None = 0,
    CannotFriendSelf,
    Blocked,
    RequestAlreadySent,
    AlreadyFriends,
    FriendLimitReached,
    NoPendingRequest,
    NotFriends,
    NotBlocked,
    RateLimited,
}
