using Social.Grains.Accounts;
using Social.Grains.Friends;
using Social.Grains.Groups;
using Social.Grains.Messages;
using Social.Grains.Presence;
using Social.Grains.Users;

namespace Social.Grains;

/// <summary>The one place that turns user ids into grain references.</summary>
public static class GrainFactoryExtensions
{
    public static IUserGrain GetUser(this IGrainFactory factory, string userId) =>
        factory.GetGrain<IUserGrain>(GrainKeys.User(userId));

    public static IPresenceGrain GetPresence(this IGrainFactory factory, string userId) =>
        factory.GetGrain<IPresenceGrain>(GrainKeys.Presence(userId));

    public static IConversationGrain GetConversation(this IGrainFactory factory, string conversationId) =>
        factory.GetGrain<IConversationGrain>(GrainKeys.Conversation(conversationId));

    public static IConversationGrain GetDirectConversation(this IGrainFactory factory, string userId, string otherUserId) =>
        factory.GetConversation(ConversationIds.Direct(userId, otherUserId));

    public static IGroupGrain GetGroup(this IGrainFactory factory, string conversationId) =>
        factory.GetGrain<IGroupGrain>(GrainKeys.Group(conversationId));

    public static IUserGroupsGrain GetUserGroups(this IGrainFactory factory, string userId) =>
        factory.GetGrain<IUserGroupsGrain>(GrainKeys.UserGroups(userId));

    public static ILoginThrottleGrain GetLoginThrottle(this IGrainFactory factory, string normalizedUsername) =>
        factory.GetGrain<ILoginThrottleGrain>(GrainKeys.LoginThrottle(normalizedUsername));

    public static IFriendshipGrain GetFriendship(this IGrainFactory factory, string userId, string otherUserId) =>
        factory.GetGrain<IFriendshipGrain>(GrainKeys.Friendship(userId, otherUserId));
}
