using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Client;

namespace Social.Cluster.Tests;

/// <summary>Users and connections on one front process of a test cluster, through Social.Client and the test kit.</summary>
internal static class Fronts
{
    /// <summary>A call to a front that died fails after this instead of hanging the test.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Reconnect after 0, 0.5, 1, then every 2 s, for about a minute.</summary>
    private static readonly TimeSpan[] ReconnectDelays =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), .. Enumerable.Repeat(TimeSpan.FromSeconds(2), 30)];

    /// <summary>A client of <paramref name="front"/>, acting as the holder of <paramref name="accessToken"/> when given.</summary>
    public static SocialClient ClientOf(Uri front, string? accessToken = null)
    {
        var client = new SocialClient(front);
        client.Http.Timeout = CallTimeout;
        if (accessToken is not null)
        {
            client.UseAccessToken(accessToken);
        }

        return client;
    }

    /// <summary>A new user signed up on <paramref name="front"/>; their client stays on that front.</summary>
    public static Task<TestUser> SignUpAsync(Uri front, string prefix, CancellationToken cancellationToken) =>
        TestUsers.SignUpAsync(ClientOf(front), prefix, cancellationToken: cancellationToken);

    /// <summary>The conversation after <paramref name="afterSeq"/>, oldest first, read the way a reconnecting client catches up: pages of afterSeq.</summary>
    public static async Task<List<Message>> HistoryAsync(this SocialClient reader, string conversationId, long afterSeq, CancellationToken cancellationToken) =>
        await reader.Messages.ReadAfterAsync(conversationId, afterSeq, cancellationToken).ToListAsync(cancellationToken);

    /// <summary>
    /// A plain hub connection of <paramref name="user"/> to <paramref name="front"/> that reconnects by
    /// itself (SignalR's automatic reconnect) and records what it hears; no catch-up, so what it
    /// missed shows.
    /// </summary>
    public static async Task<(EventRecorder Hub, ConnectionLog Log)> ConnectReconnectingAsync(Uri front, TestUser user, Stopwatch clock, CancellationToken cancellationToken)
    {
        var hub = EventRecorder.Create(front, user.AccessToken, configureHub: builder => builder.WithAutomaticReconnect(ReconnectDelays));
        var log = new ConnectionLog(hub.Connection, clock);
        try
        {
            await hub.Connection.StartAsync(cancellationToken);
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        log.Note("connected");
        return (hub, log);
    }

    /// <summary>The message a <c>new_message</c> event carries.</summary>
    public static Message AsMessage(this HeardEvent heard) => heard.Data.Deserialize<Message>(JsonSerializerOptions.Web)!;

    /// <summary>Every message pushed to this connection, in arrival order.</summary>
    public static List<Message> Messages(this EventRecorder hub) => [.. hub.All.Where(heard => heard.Name == "new_message").Select(AsMessage)];

    /// <summary>The next pushed message with this content, skipping others; null if none comes within <paramref name="timeout"/>.</summary>
    public static Task<Message?> WaitForMessageAsync(this EventRecorder hub, string content, TimeSpan timeout, CancellationToken cancellationToken) =>
        hub.WaitForMessageAsync(message => message.Content == content, timeout, cancellationToken);

    /// <summary>The next pushed message that matches, skipping others; null if none comes within <paramref name="timeout"/>.</summary>
    public static async Task<Message?> WaitForMessageAsync(this EventRecorder hub, Func<Message, bool> match, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await hub.TryNextAsync(heard => heard.Name == "new_message" && match(heard.AsMessage()), timeout, cancellationToken))?.AsMessage();
}
