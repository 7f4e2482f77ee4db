using Microsoft.AspNetCore.SignalR;
using Social.Grains.Realtime;

namespace Social.WebFront.Realtime;

/// <summary>
/// Every hub connection of the user on this front: the user's group (see <see cref="UserGroups"/>),
/// and the group of those that asked for positions, whose owed events carry the position as a
/// second argument.
/// </summary>
public sealed class SignalRUserEventSink(IHubContext<MessagesHub> hub) : IUserEventSink
{
    public Task DeliverAsync(string userId, ClientEvent clientEvent, EventPosition? position)
    {
        Grains.Telemetry.SocialMetrics.EventDelivered(Grains.Telemetry.SocialMetrics.SignalR, clientEvent.Name);
        return position is null
            ? hub.Clients.Groups(UserGroups.For(userId), UserGroups.Sequenced(userId)).SendAsync(clientEvent.Name, clientEvent.Payload)
            : Task.WhenAll(
                hub.Clients.Group(UserGroups.For(userId)).SendAsync(clientEvent.Name, clientEvent.Payload),
                hub.Clients.Group(UserGroups.Sequenced(userId)).SendAsync(clientEvent.Name, clientEvent.Payload, position));
    }

    public Task ResyncAsync(string userId, EventPosition position) =>
        hub.Clients.Group(UserGroups.Sequenced(userId)).SendAsync("resync", position);
}

/// <summary>SignalR addresses users by the token's <c>sub</c>, like the rest of the API.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.User.FindFirst(Microsoft.IdentityModel.JsonWebTokens.JwtRegisteredClaimNames.Sub)?.Value;
}
