using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Social.WebFront.Overload;

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

        IDisposable tracked;
        try
        {
            tracked = await sessions.TrackAsync(userId, user, context.Abort, context.ConnectionClosed);
        }
        catch (Exception exception) when (ClusterFailures.IsRetryable(exception))
        {
            await RefuseHandshakeAsync(context);
            return;
        }

        using (tracked)
        {
            await next(context);
        }
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

        try
        {
            await subscriptions.AddConnectionAsync(userId);
        }
        catch (Exception exception) when (ClusterFailures.IsRetryable(exception))
        {
            await RefuseHandshakeAsync(context);
            return;
        }

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

    /// <summary>
    /// Answers the client's handshake with an error, as SignalR does for a bad handshake: the
    /// client's start fails with "unavailable" (retry) instead of the socket closing with 1011.
    /// Like SignalR, it reads the client's handshake request first and lets the client hang up:
    /// ending the connection while the request is still arriving can drop the answer.
    /// </summary>
    private static async Task RefuseHandshakeAsync(ConnectionContext context)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed);
        patience.CancelAfter(HandshakeRefusalPatience);
        try
        {
            await ReadHandshakeRequestAsync(context.Transport.Input, patience.Token);
            HandshakeProtocol.WriteResponseMessage(
                new HandshakeResponseMessage($"{Api.Problems.Codes.Unavailable}: The cluster did not answer in time; retry."), context.Transport.Output);
            await context.Transport.Output.FlushAsync(patience.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, patience.Token);
        }
        catch (OperationCanceledException)
        {
            // The client hung up, or did not within the patience; either way the connection ends.
        }
    }

    private static readonly TimeSpan HandshakeRefusalPatience = TimeSpan.FromSeconds(5);

    private static async Task ReadHandshakeRequestAsync(System.IO.Pipelines.PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (HandshakeProtocol.TryParseRequestMessage(ref buffer, out _))
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
