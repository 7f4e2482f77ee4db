using Microsoft.Extensions.Logging;

namespace Social.Grains.Friends;

internal static partial class FriendshipLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{UserId} sent a friend request to {TargetId}")]
    public static partial void RequestSent(ILogger logger, string userId, string targetId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserId} and {TargetId} are now friends")]
    public static partial void BecameFriends(ILogger logger, string userId, string targetId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserId} blocked {TargetId}")]
    public static partial void Blocked(ILogger logger, string userId, string targetId);
}
