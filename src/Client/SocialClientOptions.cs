using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Client;

/// <summary>How a <see cref="SocialClient"/> reaches the server and keeps its session.</summary>
public sealed class SocialClientOptions
{
    /// <summary>The server, for example <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// The token refresh hook: returns a fresh token (for example by signing in again, or from an
    /// outside identity provider), or null when the user must sign in. Called a
    /// <see cref="RefreshMargin"/> before the token expires and once after a 401.
    /// </summary>
    public Func<CancellationToken, Task<AccessToken?>>? RefreshAccessToken { get; set; }

    /// <summary>How long before expiry the token is refreshed (one minute).</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The real-time connection's reconnect and catch-up behaviour.</summary>
    public RealtimeOptions Realtime { get; } = new();

    /// <summary>The clock (tests give a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>How a <see cref="SocialConnection"/> reconnects, catches up and retries sends.</summary>
public sealed class RealtimeOptions
{
    /// <summary>The first reconnect delay; each further attempt doubles it, with ±20 % jitter (1 s).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect or resend delay (10 s); reconnecting never gives up.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After a gap that <c>Resume</c> cannot fill, how many of the most recent conversations are
    /// caught up through REST (<c>afterSeq</c>) before <see cref="ResyncEvent"/> is raised (200).
    /// Zero turns the catch-up off (the app handles <see cref="ResyncEvent"/> itself).
    /// </summary>
    public int CatchUpConversations { get; set; } = 200;

    /// <summary>Changes the hub connection (MessagePack, logging); JSON over the default transport when null.</summary>
    public Action<IHubConnectionBuilder>? ConfigureHub { get; set; }

    /// <summary>Changes the HTTP connection (transports, <c>SkipNegotiation</c>, a handler).</summary>
    public Action<HttpConnectionOptions>? ConfigureConnection { get; set; }
}
