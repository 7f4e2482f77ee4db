using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Social.Client;

namespace Social.LoadTest.Clients;

/// <summary>What the load tester reads of a pushed <c>new_message</c> (the rest of the Message is skipped, to keep the client's CPU out of the figures).</summary>
public sealed class MessageView
{
    public string? MessageId { get; set; }

    public string? SenderId { get; set; }

    public string? RecipientId { get; set; }

    public string? ClientMessageId { get; set; }

    public long Seq { get; set; }
}

public static class HubClient
{
    /// <summary>The hub connections make no REST calls: their clients share one idle HttpClient per server.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Uri, HttpClient> Http = new();

    /// <summary>
    /// A bare hub connection from <see cref="SocialClient.CreateHubConnection"/>, over WebSockets
    /// (negotiation skipped, as the transport is fixed): the load tester measures the hub itself,
    /// so it drives the connection without the library's reconnect and outbox.
    /// </summary>
    public static HubConnection Build(Uri baseAddress, string accessToken, bool messagePack)
    {
        var options = new SocialClientOptions { BaseAddress = baseAddress };
        options.Realtime.ConfigureConnection = connection =>
        {
            connection.Transports = HttpTransportType.WebSockets;
            connection.SkipNegotiation = true;
        };
        // The library's JSON context knows the library's types only; MessageView is the tester's own.
        options.Realtime.ConfigureHub = messagePack
            ? hub => hub.AddMessagePackProtocol()
            : hub => hub.AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver()));

        var client = new SocialClient(Http.GetOrAdd(baseAddress, address => new HttpClient { BaseAddress = address }), options);
        client.UseAccessToken(accessToken);
        return client.CreateHubConnection();
    }
}
