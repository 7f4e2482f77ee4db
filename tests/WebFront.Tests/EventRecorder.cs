using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Social.Client;

namespace Social.WebFront.Tests;

/// <summary>One event a hub connection heard: its name, payload and (sequenced connections) position.</summary>
public sealed record HeardEvent(string Name, JsonElement Data, long? Epoch, long? Seq);

/// <summary>
/// A hub connection that records every event it hears, in arrival order, with positions when
/// it was opened with <c>?sequenced=true</c>.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    /// <summary>Every event Social.Client knows, and the connection's own <c>session</c> and <c>resync</c>.</summary>
    public static readonly string[] EventNames = [.. SocialEvent.OwedNames, .. SocialEvent.FleetingNames, "session", "resync"];

    private readonly Channel<HeardEvent> _heard = Channel.CreateUnbounded<HeardEvent>();
    private readonly List<HeardEvent> _all = [];
    private readonly Lock _gate = new();

    /// <summary>Events that carry no position even on sequenced connections.</summary>
    private static readonly HashSet<string> Unpositioned = [.. SocialEvent.FleetingNames, "session", "resync"];

    private readonly SocialClient _client;

    private EventRecorder(SocialClient client, HubConnection connection, bool sequenced)
    {
        _client = client;
        Connection = connection;
        foreach (var name in EventNames)
        {
            // Sequenced connections get the position of owed events as a second argument.
            Type[] parameters = sequenced && !Unpositioned.Contains(name) ? [typeof(JsonElement), typeof(JsonElement)] : [typeof(JsonElement)];
            connection.On(name, parameters, (args, _) => Record(name, args), null!);
        }
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<HeardEvent> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<EventRecorder> ConnectAsync(Uri server, string accessToken, bool sequenced = false)
    {
        // Social.Client's bare hub connection: the wire as the server sends it, without the client's resume and catch-up.
        // The tests invoke hub methods with their own shapes (anonymous objects): JSON by reflection beside the client's own types.
        var client = new SocialClient(server, options => options.Realtime.ConfigureHub = hub =>
            hub.AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver())));
        client.UseAccessToken(accessToken);
        var connection = client.CreateHubConnection(sequenced);
        var recorder = new EventRecorder(client, connection, sequenced);
        await connection.StartAsync();
        return recorder;
    }

    /// <summary>The next event called <paramref name="name"/>, skipping others; fails after <paramref name="timeout"/>.</summary>
    public async Task<HeardEvent> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var heard = await _heard.Reader.ReadAsync(cancel.Token);
            if (heard.Name == name)
            {
                return heard;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _client.Dispose();
    }

    private Task Record(string name, object?[] args)
    {
        var data = (JsonElement)args[0]!;
        HeardEvent heard;
        if (args.Length > 1 && args[1] is JsonElement position)
        {
            heard = new HeardEvent(name, data, position.GetProperty("epoch").GetInt64(), position.GetProperty("seq").GetInt64());
        }
        else if (name is "session" or "resync")
        {
            heard = new HeardEvent(name, data, data.GetProperty("epoch").GetInt64(), data.GetProperty("seq").GetInt64());
        }
        else
        {
            heard = new HeardEvent(name, data, null, null);
        }

        lock (_gate)
        {
            _all.Add(heard);
        }

        _heard.Writer.TryWrite(heard);
        return Task.CompletedTask;
    }
}
