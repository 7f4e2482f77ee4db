namespace Social.WebFront.Realtime;

/// <summary>
/// Each user's hub connections on a front are in one SignalR group, so an event for a user finds
/// its connections with one lookup (<c>Clients.User</c> compares every connection's user id).
/// Connections that asked for event positions are in a second group, whose events carry them.
/// </summary>
public static class UserGroups
{
    public static string For(string userId) => "u:" + userId;

    public static string Sequenced(string userId) => "s:" + userId;
}
