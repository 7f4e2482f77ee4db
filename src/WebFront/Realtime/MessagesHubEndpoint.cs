using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Social.WebFront.Realtime;

/// <summary>
/// Maps <see cref="MessagesHub"/> the way <c>MapHub</c> does, with one step before the hub: the
/// user's stream subscription is taken before SignalR answers the handshake. The client's
/// <c>start()</c> resolves on that answer, so without this step a client (or a friend it told)
/// could act while the subscription was still being taken, and an event published in that window
/// was lost: Orleans places a new subscriber's cursor after the events its pulling agent already
/// cached (docs/architecture.md, real-time delivery).
/// </summary>
public static class MessagesHubEndpoint
{
    public static ConnectionEndpointRouteBuilder MapMessagesHub(this IEndpointRouteBuilder endpoints, string pattern)
    {
        var options = new HttpConnectionDispatcherOptions
        {
            // A connection ends when its token expires; clients reconnect with a fresh one.
            CloseOnAuthenticationExpiration = true,
        };
        var builder = endpoints.MapConnections(pattern, options, connection =>
        {
            var subscriptions = connection.ApplicationServices.GetRequiredService<UserStreamSubscriptions>();
            var presence = connection.ApplicationServices.GetRequiredService<Presence.PresenceTracker>();
            var stopping = connection.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            connection.Use(next => context => ClosedOnStopAsync(context, next, stopping));
            connection.Use(next => context => SubscribedAsync(context, next, subscriptions, presence));
            var sessions = connection.ApplicationServices.GetRequiredService<Auth.SessionConnections>();
            connection.Use(next => context => SessionTrackedAsync(context, next, sessions));
            connection.UseHub<MessagesHub>();
        });

        // What MapHub adds: the hub's attributes ([Authorize]) and the hub type as endpoint metadata.
        var attributes = typeof(MessagesHub).GetCustomAttributes(inherit: true);
        builder.Add(endpoint =>
        {
            foreach (var attribute in attributes)
            {
                endpoint.Metadata.Add(attribute);
            }

            endpoint.Metadata.Add(new HubMetadata(typeof(MessagesHub)));
        });
        return builder;
    }

    /// <summary>
    /// A front that stops closes its connections at once, so clients reconnect to another front
    /// and the in-process silo keeps the shutdown time for its own graceful stop; otherwise
    /// Kestrel would wait out the whole shutdown timeout for these long-lived connections.
    /// </summary>
    private static async Task ClosedOnStopAsync(ConnectionContext context, ConnectionDelegate next, CancellationToken stopping)
    {
        using var closeOnStop = stopping.Register(static state => ((ConnectionContext)state!).Abort(), context);
        await next(context);
    }

    /// <summary>The connection is closed when a password change ends its token's session (on any front).</summary>
    private static async Task SessionTrackedAsync(ConnectionContext context, ConnectionDelegate next, Auth.SessionConnections sessions)
    {
        var user = context.Features.Get<IConnectionUserFeature>()?.User;
        var userId = user?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (user is null || userId is null)
        {
            await next(context);
            return;
        }

        using var tracked = await sessions.TrackAsync(userId, user, context.Abort, context.ConnectionClosed);
        await next(context);
    }

    /// <summary>Runs the rest of the connection (handshake, hub) inside the user's stream subscription.</summary>
    private static async Task SubscribedAsync(ConnectionContext context, ConnectionDelegate next, UserStreamSubscriptions subscriptions, Presence.PresenceTracker presence)
    {
        var userId = context.Features.Get<IConnectionUserFeature>()?.User?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (userId is null)
        {
            await next(context); // the endpoint's authorization refuses such connections first
            return;
        }

        await subscriptions.AddConnectionAsync(userId);
        try
        {
            await presence.ConnectedAsync(userId, context.ConnectionId);
            await next(context);
        }
        finally
        {
            await presence.DisconnectedAsync(userId, context.ConnectionId);
            await subscriptions.RemoveConnectionAsync(userId);
        }
    }
}
