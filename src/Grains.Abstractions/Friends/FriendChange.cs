namespace Social.Grains.Friends;

/// <summary>
/// The pair operation behind a projection, so each user grain can tell its clients what
/// happened (a request withdrawn by its sender reads differently from one declined).
/// </summary>
[GenerateSerializer, Alias("Social.FriendChange")]
public enum FriendChange
{
    /// <summary>A projection repeated after a failure; nothing new to announce beyond the views.</summary>
    Repair = 0,
    Requested = 1,
    Accepted = 2,
    Cancelled = 3,
    Rejected = 4,
    Unfriended = 5,
    Blocked = 6,
    Unblocked = 7,
}
