using Microsoft.AspNetCore.SignalR;
using Social.WebFront.Auth;

namespace Social.WebFront.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddSocialRealtime(this WebApplicationBuilder builder)
    {
        // Filters run outermost first: the log sees what the client is answered (a shed send is an
        // `unavailable` refusal at Debug, not an Error with a stack trace thousands of times a second).
        builder.Services.AddSignalR(options =>
        {
            options.AddFilter<Hosting.HubRefusalLogging>();
            options.AddFilter<HubFailureFilter>();
        }).AddMessagePackProtocol();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton<AccessTokenValidator>();
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UserStreamSubscriptions>();
        builder.Services.AddSingleton<WebSocketConnections>();
        builder.Services.AddSingleton<IUserEventSink>(services => services.GetRequiredService<WebSocketConnections>());
        builder.Services.AddSingleton<IUserEventSink, SignalRUserEventSink>();
        return builder;
    }

    public static WebApplication MapSocialRealtime(this WebApplication app)
    {
        app.MapMessagesHub("/hubs/messages");
        app.MapRawWebSocket();
        return app;
    }

    /// <summary>
    /// WebSocket keep-alive: the server pings every 15 s and drops a socket whose peer has not
    /// answered within 30 s (a silent client, a dead network path).
    /// </summary>
    public static WebApplication UseSocialWebSockets(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            KeepAliveTimeout = TimeSpan.FromSeconds(30),
        });
        return app;
    }
}
