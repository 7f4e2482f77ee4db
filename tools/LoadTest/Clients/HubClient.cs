using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Social.LoadTest.Clients;

/// <summary>What the load tester reads of a pushed <c>new_message</c> (the rest of the Message is skipped).</summary>
public sealed class MessageView
{
    public string? MessageId { get; set; }

    public string? SenderId { get; set; }

    public string? RecipientId { get; set; }

    public string? ClientMessageId { get; set; }

    public long Seq { get; set; }
}

/// <summary>The hub's SendMessage argument (PascalCase members bind under JSON and MessagePack alike).</summary>
public sealed record SendMessageArgs(string RecipientId, string Content, string ClientMessageId);

public static class HubClient
{
    /// <summary>A hub connection to <c>/hubs/messages</c> over WebSockets (negotiation skipped, as the transport is fixed).</summary>
    public static HubConnection Build(Uri baseAddress, string accessToken, bool messagePack)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/messages"), HttpTransportType.WebSockets, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.SkipNegotiation = true;
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }
}
