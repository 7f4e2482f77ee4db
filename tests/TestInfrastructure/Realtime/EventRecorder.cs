using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Social.Client;

namespace Social.Testing.Realtime;

/// <summary>One event a hub connection heard: its name, payload and (sequenced connections) position.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Data">Its payload.</param>
/// <param name="Epoch">The position's epoch on sequenced connections.</param>
/// <param name="Seq">The position's seq on sequenced connections.</param>
public sealed record HeardEvent(string Name, JsonElement Data, long? Epoch, long? Seq);

/// <summary>
/// A hub connection that records every event it hears, in arrival order, with positions when
/// it was opened with <c>?sequenced=true</c>. It is Social.Client's bare hub connection: the wire
/// as the server sends it, without the client's resume, gap detection and catch-up, so a test can
/// see exactly what the server delivered.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    /// <summary>Every event Social.Client knows, and the connection's own <c>session</c> and <c>resync</c>.</summary>
    public static readonly string[] EventNames = [.. SocialEvent.OwedNames, .. SocialEvent.FleetingNames, "session", "resync"];

    /// <summary>How long <see cref="NextAsync"/> waits unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Events that carry no position even on sequenced connections.</summary>
    private static readonly HashSet<string> Unpositioned = [.. SocialEvent.FleetingNames, "session", "resync"];

    private readonly Channel<HeardEvent> _heard = Channel.CreateUnbounded<HeardEvent>();
    private readonly List<HeardEvent> _all = [];
    private readonly Lock _gate = new();
    private readonly SocialClient _client;
    private readonly Action<HeardEvent>? _onHeard;

    private EventRecorder(SocialClient client, HubConnection connection, bool sequenced, Action<HeardEvent>? onHeard)
    {
        _client = client;
        _onHeard = onHeard;
        Connection = connection;
        foreach (var name in EventNames)
        {
            // Sequenced connections get the position of owed events as a second argument.
            Type[] parameters = sequenced && !Unpositioned.Contains(name) ? [typeof(JsonElement), typeof(JsonElement)] : [typeof(JsonElement)];
            connection.On(name, parameters, (args, _) => Record(name, args), null!);
        }
    }

    /// <summary>The hub connection, for invoking hub methods and watching its state.</summary>
    public HubConnection Connection { get; }

    /// <summary>Everything heard so far, in arrival order.</summary>
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

    /// <summary>Connects to the hub of the server at <paramref name="server"/> as the holder of <paramref name="accessToken"/>.</summary>
    public static async Task<EventRecorder> ConnectAsync(Uri server, string accessToken, bool sequenced = false, CancellationToken cancellationToken = default)
    {
        var recorder = Create(server, accessToken, sequenced);
        try
        {
            await recorder.Connection.StartAsync(cancellationToken);
        }
        catch
        {
            await recorder.DisposeAsync();
            throw;
        }

        return recorder;
    }

    /// <summary>
    /// A recorder not yet started (call <c>Connection.StartAsync</c>), so a test can watch the
    /// connection's state first. <paramref name="configureHub"/> adds to the hub connection (an
    /// automatic reconnect policy, say); <paramref name="onHeard"/> sees each event as it is recorded.
    /// </summary>
    public static EventRecorder Create(Uri server, string accessToken, bool sequenced = false, Action<IHubConnectionBuilder>? configureHub = null, Action<HeardEvent>? onHeard = null)
    {
        // The tests invoke hub methods with their own shapes (anonymous objects): JSON by reflection beside the client's own types.
        var client = new SocialClient(server, options => options.Realtime.ConfigureHub = hub =>
        {
            hub.AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver()));
            configureHub?.Invoke(hub);
        });
        client.UseAccessToken(accessToken);
        return new EventRecorder(client, client.CreateHubConnection(sequenced), sequenced, onHeard);
    }

    /// <summary>The next event called <paramref name="name"/>, skipping others; fails after <paramref name="timeout"/>.</summary>
    public async Task<HeardEvent> NextAsync(string name, TimeSpan? timeout = null) =>
        await TryNextAsync(heard => heard.Name == name, timeout ?? DefaultTimeout, CancellationToken.None)
        ?? throw new TimeoutException($"No {name} event within {(timeout ?? DefaultTimeout).TotalSeconds} s.");

    /// <summary>The next event that matches, skipping others; null if none comes within <paramref name="timeout"/>.</summary>
    public async Task<HeardEvent?> TryNextAsync(Func<HeardEvent, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var heard = await _heard.Reader.ReadAsync(deadline.Token);
                if (match(heard))
                {
                    return heard;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <inheritdoc />
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

        _onHeard?.Invoke(heard);
        _heard.Writer.TryWrite(heard);
        return Task.CompletedTask;
    }
}
