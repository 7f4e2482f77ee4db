using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Social.Client.Realtime;

namespace Social.Client;

/// <summary>
/// The user's live connection to <c>/hubs/messages?sequenced=true</c>. It reconnects by itself
/// (jittered backoff, forever, refreshing the token when refused), checks the continuity of event
/// positions, replays what a reconnect missed with <c>Resume</c>, and otherwise catches messages
/// up through REST (<c>afterSeq</c>) before raising <see cref="ResyncEvent"/>: an app sees every
/// message once, in order per conversation, with no hole. Messages sent through
/// <see cref="SendAsync"/> go through the <see cref="Outbox"/>.
/// </summary>
/// <remarks>
/// Events are raised on one background loop, one at a time, in order; read them through
/// <see cref="EventReceived"/>, the typed events, or <see cref="ReadEventsAsync"/>. A handler
/// that throws does not stop delivery.
/// </remarks>
public sealed class SocialConnection : IAsyncDisposable
{
    private readonly SocialClient _client;
    private readonly RealtimeOptions _options;
    private readonly HubConnection _hub;
    private readonly Channel<Input> _inputs = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Channel<SocialEvent>> _readers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConversationProgress _progress = new();
    // A connection that stays up this long was a success: the next retry after it closes is at once.
    private static readonly TimeSpan StableConnection = TimeSpan.FromSeconds(10);

    private TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _connecting;
    private Task? _processing;
    private EventPosition? _last;
    private bool _catchUpOwed;
    private ConnectionState _state;

    internal SocialConnection(SocialClient client)
    {
        _client = client;
        _options = client.Options.Realtime;
        _hub = client.CreateHubConnection(sequenced: true);
        foreach (var kind in EventCatalog.All)
        {
            Type[] parameters = kind.Positioned ? [kind.Payload.Type, typeof(EventPosition)] : [kind.Payload.Type];
            _hub.On(kind.Name, parameters, (arguments, state) => Heard((EventKind)state, arguments), kind);
        }

        _hub.On("session", [typeof(EventPosition)], (arguments, _) => Enqueue(new SessionInput((EventPosition)arguments[0]!)), this);
        _hub.On("resync", [typeof(EventPosition)], (arguments, _) => Enqueue(new ResyncInput((EventPosition)arguments[0]!)), this);
        _hub.Closed += error =>
        {
            Volatile.Read(ref _closed).TrySetResult(error);
            return Task.CompletedTask;
        };
        Outbox = new Outbox(SendOnceAsync, _options, client.Options.TimeProvider);
    }

    /// <summary>Every event, in order, on the connection's loop.</summary>
    public event EventHandler<SocialEvent>? EventReceived;

    /// <summary>Each message (live or caught up), once, in order per conversation.</summary>
    public event EventHandler<NewMessageEvent>? MessageReceived;

    /// <summary>The connection state changed.</summary>
    public event EventHandler<ConnectionState>? StateChanged;

    /// <summary>Where the connection stands.</summary>
    public ConnectionState State => _state;

    /// <summary>The position of the newest event applied, or null before the first.</summary>
    public EventPosition? Position => _last;

    /// <summary>Messages on their way; see <see cref="SendAsync"/>.</summary>
    public Outbox Outbox { get; }

    /// <summary>The SignalR connection underneath, for what this class does not cover.</summary>
    public HubConnection Hub => _hub;

    /// <summary>
    /// Connects; completes once connected the first time. Keeps reconnecting after that until
    /// <see cref="StopAsync"/> or disposal. Throws <see cref="SocialApiException"/> (401
    /// <c>unauthorized</c>) when the token is refused and the refresh hook gives no new one.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_connecting is null)
            {
                SetState(ConnectionState.Connecting);
                _processing = Task.Run(() => ProcessAsync(_stopping.Token), CancellationToken.None);
                _connecting = Task.Run(() => ConnectAsync(_stopping.Token), CancellationToken.None);
            }
        }

        await _firstConnected.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops reconnecting and closes the connection. Queued sends stop too.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync();
        await _hub.StopAsync(cancellationToken);
        _inputs.Writer.TryComplete();
        foreach (var task in new[] { _connecting, _processing })
        {
            if (task is not null)
            {
                await task.WaitAsync(cancellationToken);
            }
        }

        _firstConnected.TrySetCanceled(CancellationToken.None);
        SetState(ConnectionState.Disconnected);
        lock (_gate)
        {
            foreach (var reader in _readers)
            {
                reader.Writer.TryComplete();
            }
        }
    }

    /// <summary>Every event from now on, until <paramref name="cancellationToken"/> or the connection stops.</summary>
    public async IAsyncEnumerable<SocialEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<SocialEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_gate)
        {
            _readers.Add(channel);
        }

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (_gate)
            {
                _readers.Remove(channel);
            }
        }
    }

    /// <summary>
    /// Sends through the <see cref="Outbox"/>: a clientMessageId now, retries across disconnects
    /// until acknowledged, in order per recipient. Completes with the stored message.
    /// </summary>
    public Task<Message> SendAsync(string recipientId, string content, CancellationToken cancellationToken = default) =>
        Outbox.SendAsync(recipientId, content, cancellationToken);

    /// <summary>
    /// Sends to a group through the <see cref="Outbox"/>, as <see cref="SendAsync"/> does to a
    /// user: retried with one clientMessageId until acknowledged, in order per group.
    /// </summary>
    public Task<Message> SendToGroupAsync(string conversationId, string content, CancellationToken cancellationToken = default) =>
        Outbox.SendToGroupAsync(conversationId, content, cancellationToken);

    /// <summary>The hub's <c>SendMessage</c>, once (no outbox): the same rules and codes as REST.</summary>
    public Task<Message> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(() => _hub.InvokeAsync<Message>("SendMessage", request, cancellationToken));

    /// <summary>The hub's <c>MarkRead</c>: pushes <c>read_receipt</c> to the other participant.</summary>
    public Task<ReadState> MarkReadAsync(string conversationId, long? upToSeq = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(() => _hub.InvokeAsync<ReadState>("MarkRead", new MarkReadRequest(conversationId, upToSeq), cancellationToken));

    /// <summary>The hub's <c>Typing</c>: the other participant hears <c>typing</c>.</summary>
    public Task TypingAsync(string conversationId, CancellationToken cancellationToken = default) =>
        InvokeAsync(async () =>
        {
            await _hub.InvokeAsync("Typing", conversationId, cancellationToken);
            return true;
        });

    /// <summary>The hub's <c>SendGroupMessage</c>, once (no outbox): the rules and codes of <see cref="GroupsClient.SendAsync"/>.</summary>
    public Task<Message> SendGroupMessageAsync(string conversationId, string content, string? clientMessageId = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(() => _hub.InvokeAsync<Message>("SendGroupMessage", new GroupHubSendRequest(conversationId, content, clientMessageId), cancellationToken));

    /// <summary>The hub's <c>MarkGroupRead</c>: the members hear <c>group_read</c>, the caller's other connections <c>read_receipt</c>.</summary>
    public Task<ReadState> MarkGroupReadAsync(string conversationId, long? upToSeq = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(() => _hub.InvokeAsync<ReadState>("MarkGroupRead", new GroupHubReadRequest(conversationId, upToSeq), cancellationToken));

    /// <summary>The hub's <c>GroupTyping</c>: the other members hear <c>typing</c>.</summary>
    public Task GroupTypingAsync(string conversationId, CancellationToken cancellationToken = default) =>
        InvokeAsync(async () =>
        {
            await _hub.InvokeAsync("GroupTyping", conversationId, cancellationToken);
            return true;
        });

    /// <summary>
    /// The hub's <c>SetAway</c>: this connection's user is inactive (<c>true</c>) or active again
    /// (<c>false</c>); friends see <c>away</c> once every connection says so. A reconnect starts active.
    /// </summary>
    public Task SetAwayAsync(bool away, CancellationToken cancellationToken = default) =>
        InvokeAsync(async () =>
        {
            await _hub.InvokeAsync("SetAway", away, cancellationToken);
            return true;
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync();
        }

        await Outbox.DisposeAsync();
        await _hub.DisposeAsync();
        _stopping.Dispose();
    }

    private static async Task<T> InvokeAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HubException refused)
        {
            throw HubErrors.From(refused);
        }
    }

    /// <summary>The outbox's transport: the hub when connected, REST otherwise; both are idempotent by clientMessageId.</summary>
    private Task<Message> SendOnceAsync(PendingMessage pending, CancellationToken cancellationToken) => (pending.ToGroup, _hub.State == HubConnectionState.Connected) switch
    {
        (false, true) => SendMessageAsync(new SendMessageRequest(pending.RecipientId, pending.Content, pending.ClientMessageId), cancellationToken),
        (false, false) => _client.Messages.SendAsync(new SendMessageRequest(pending.RecipientId, pending.Content, pending.ClientMessageId), cancellationToken),
        (true, true) => SendGroupMessageAsync(pending.RecipientId, pending.Content, pending.ClientMessageId, cancellationToken),
        (true, false) => _client.Groups.SendAsync(pending.RecipientId, pending.Content, pending.ClientMessageId, cancellationToken),
    };

    private async Task ConnectAsync(CancellationToken stop)
    {
        var baselineTaken = false;
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                if (attempt > 0)
                {
                    SetState(ConnectionState.Reconnecting);
                    await Task.Delay(Backoff.Delay(attempt, _options.FirstRetryDelay, _options.MaxRetryDelay), _client.Options.TimeProvider, stop);
                }

                if (!baselineTaken)
                {
                    // Before the first connection: the floor from which a later catch-up reads each conversation.
                    await _progress.TakeBaselineAsync(_client, _options.CatchUpConversations, stop);
                    baselineTaken = true;
                }

                var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _closed, closed);
                await _hub.StartAsync(stop);
                var opened = _client.Options.TimeProvider.GetTimestamp();
                SetState(ConnectionState.Connected);
                _firstConnected.TrySetResult();
                Outbox.Wake();
                var closeError = await closed.Task.WaitAsync(stop);
                if (closeError is HubException refusal && HubErrors.From(refusal) is { Code: ErrorCodes.TooManyConnections })
                {
                    // Retrying cannot help until the user closes another connection.
                    SetState(ConnectionState.TooManyConnections);
                    return;
                }

                // A connection that held is a fresh start (the first retry is at once); one the
                // server closed at once counts as a failed attempt, so it is retried with backoff,
                // never in a loop.
                if (_client.Options.TimeProvider.GetElapsedTime(opened) >= StableConnection)
                {
                    attempt = -1;
                }

                SetState(ConnectionState.Reconnecting);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception refused) when (IsUnauthorized(refused))
            {
                if (!await _client.Tokens.RefreshAsync(_client.Tokens.Current, stop))
                {
                    SetState(ConnectionState.Unauthorized);
                    _firstConnected.TrySetException(new SocialApiException(401, ErrorCodes.Unauthorized, "The access token was refused.", inner: refused));
                    return;
                }
            }
            catch (Exception)
            {
                // The server is away (restarting, unreachable): try again after the backoff.
            }
        }
    }

    private static bool IsUnauthorized(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => true,
        SocialApiException { Status: 401 } => true,
        _ => exception.Message.Contains("401", StringComparison.Ordinal),
    };

    private Task Heard(EventKind kind, object?[] arguments)
    {
        var socialEvent = kind.Create(arguments[0]!);
        var position = arguments.Length > 1 ? arguments[1] as EventPosition : null;
        return Enqueue(new EventInput(socialEvent with { Position = position }));
    }

    private Task Enqueue(Input input)
    {
        _inputs.Writer.TryWrite(input);
        return Task.CompletedTask;
    }

    /// <summary>The one loop that orders what the server says and what the app sees.</summary>
    private async Task ProcessAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var input in _inputs.Reader.ReadAllAsync(stop))
            {
                switch (input)
                {
                    case SessionInput session:
                        await OnSessionAsync(session.Position, stop);
                        break;
                    case ResyncInput resync:
                        await CatchUpAsync(resync.Position, stop);
                        break;
                    case EventInput heard:
                        await ApplyAsync(heard.Event, stop);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task OnSessionAsync(EventPosition session, CancellationToken stop)
    {
        if (_last is null && !_catchUpOwed)
        {
            _last = session; // the first connection: events follow from here
            return;
        }

        var plan = _catchUpOwed || _last is null ? SessionPlan.CatchUp : Continuity.Plan(_last, session);
        if (plan == SessionPlan.Resume && await TryResumeAsync(_last!, session, stop))
        {
            return;
        }

        if (plan != SessionPlan.Live)
        {
            await CatchUpAsync(session, stop);
        }
    }

    /// <summary>Replays what the server kept; false when that did not bring the client to <paramref name="session"/>.</summary>
    private async Task<bool> TryResumeAsync(EventPosition last, EventPosition session, CancellationToken stop)
    {
        ResumeResult? answer;
        try
        {
            answer = await _hub.InvokeAsync<ResumeResult>("Resume", new ResumeRequest(last.Epoch, last.Seq), stop);
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            return false; // the connection dropped, or a protocol without JSON payloads: catch up instead
        }

        if (!answer.Complete)
        {
            return false;
        }

        foreach (var replayed in answer.Events)
        {
            var position = new EventPosition(replayed.Epoch, replayed.Seq);
            if (EventCatalog.Find(replayed.Type)?.Parse(replayed.Data) is { } socialEvent)
            {
                await ApplyAsync(socialEvent with { Position = position }, stop);
            }
            else if (Continuity.Classify(_last, position) == Step.Next)
            {
                _last = position; // an event this version does not know: step over it
            }
        }

        return _last == session;
    }

    private async Task ApplyAsync(SocialEvent socialEvent, CancellationToken stop)
    {
        var position = socialEvent.Position;
        switch (Continuity.Classify(_last, position))
        {
            case Step.Duplicate:
                return;
            case Step.Gap when _last is not null:
                // Missed between connections: fill it through REST, then carry on from this event.
                await CatchUpAsync(new EventPosition(position!.Epoch, position.Seq - 1), stop);
                break;
        }

        if (position is not null)
        {
            _last = position;
        }

        Publish(socialEvent);
    }

    /// <summary>Reads every conversation that moved past what the app saw, then raises <see cref="ResyncEvent"/>.</summary>
    private async Task CatchUpAsync(EventPosition after, CancellationToken stop)
    {
        _catchUpOwed = true;
        _last = after;
        try
        {
            await foreach (var message in _progress.MissedAsync(_client, _options.CatchUpConversations, stop))
            {
                Publish(new NewMessageEvent(message) { CaughtUp = true });
            }

            _catchUpOwed = false;
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            // REST failed too (the server went away again): the next session catches up.
        }

        Publish(new ResyncEvent(after));
    }

    private void Publish(SocialEvent socialEvent)
    {
        if (socialEvent is NewMessageEvent newMessage && !_progress.TryAdvance(newMessage.Message))
        {
            return; // already delivered (caught up, then heard live)
        }

        Raise(EventReceived, socialEvent);
        if (socialEvent is NewMessageEvent message)
        {
            Raise(MessageReceived, message);
        }

        lock (_gate)
        {
            foreach (var reader in _readers)
            {
                reader.Writer.TryWrite(socialEvent);
            }
        }
    }

    private void Raise<T>(EventHandler<T>? handler, T argument)
    {
        try
        {
            handler?.Invoke(this, argument);
        }
        catch (Exception)
        {
            // An app handler's failure must not stop the delivery of later events.
        }
    }

    private void SetState(ConnectionState state)
    {
        if (_state != state)
        {
            _state = state;
            Raise(StateChanged, state);
        }
    }

    private abstract record Input;

    private sealed record SessionInput(EventPosition Position) : Input;

    private sealed record ResyncInput(EventPosition Position) : Input;

    private sealed record EventInput(SocialEvent Event) : Input;
}
