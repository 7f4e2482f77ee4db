using Microsoft.AspNetCore.SignalR;

namespace Social.WebFront.Realtime;

/// <summary>Every hub connection of the user on this front: the user's group (see <see cref="UserGroups"/>).</summary>
public sealed class SignalRUserEventSink(IHubContext<MessagesHub> hub) : IUserEventSink
{
    public Task DeliverAsync(string userId, ClientEvent clientEvent) =>
        hub.Clients.Group(UserGroups.For(userId)).SendAsync(clientEvent.Name, clientEvent.Payload);
}

/// <summary>SignalR addresses users by the token's <c>sub</c>, like the rest of the API.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.User.FindFirst(Microsoft.IdentityModel.JsonWebTokens.JwtRegisteredClaimNames.Sub)?.Value;
}
