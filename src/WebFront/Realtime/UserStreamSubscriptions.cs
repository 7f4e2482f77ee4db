using Orleans.Streams;
using Social.Grains;
using Social.Grains.Realtime;
using Social.Grains.Telemetry;
using Social.Storage.Accounts;

namespace Social.WebFront.Realtime;

/// <summary>
/// This front's subscriptions to users' streams: one per user with at least one connection here,
/// taken before the user's first connection is answered and dropped after the last, and fanned
/// out to every connection the user has on this front (all tabs, all devices, SignalR and raw
/// WebSocket).
/// <para>
/// Each subscription remembers the position of the last owed event it delivered. Owed events go
/// out strictly in order, each once: a repeat is dropped, and a gap (an event, or the grain's
/// position marker, ahead of what was delivered) is filled from the user grain's recent events
/// before anything newer goes out. What cannot be filled (the grain restarted, or the gap is older
/// than its buffer) becomes a <c>resync</c> for the connections that take positions.
/// </para>
/// </summary>
public sealed partial class UserStreamSubscriptions(
    IClusterClient cluster, IUserDirectory directory, IEnumerable<IUserEventSink> sinks, Auth.SessionConnections sessions, ILogger<UserStreamSubscriptions> logger)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IUserEventSink[] _sinks = [.. sinks];

    /// <summary>Users with an open subscription here (for tests and metrics).</summary>
    public int ActiveUsers
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The user's open connections on this front (counted from before their handshake).</summary>
    public int ConnectionsOf(string userId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(userId, out var entry) ? entry.Connections : 0;
        }
    }

    /// <summary>How many of <paramref name="userIds"/> have a subscription here.</summary>
    public int CountSubscribed(IEnumerable<string> userIds)
    {
        lock (_gate)
        {
            return userIds.Count(_entries.ContainsKey);
        }
    }

    /// <summary>
    /// Counts a connection of the user, subscribing first if it is the user's first here. Once
    /// this returns, every owed event after the subscription's position reaches the user's
    /// connections (or a <c>resync</c> does).
    /// </summary>
    public async Task AddConnectionAsync(string userId)
    {
        while (true)
        {
            var entry = GetOrCreate(userId);
            await entry.Lock.WaitAsync();
            try
            {
                if (entry.Removed)
                {
                    continue; // lost a race with the last disconnect; take the fresh entry
                }

                entry.Connections++;
                if (entry.Handle is null)
                {
                    // The position first: anything published while the subscription is being
                    // taken is then a gap that the next event or marker reveals and repairs.
                    entry.Delivered = await cluster.GetUser(userId).GetEventPosition();
                    entry.Handle = await Subscribe(userId, entry);
                    _ = cluster.GetUser(userId).AnnouncePosition(); // one-way
                }

                return;
            }
            catch
            {
                if (--entry.Connections == 0)
                {
                    Forget(userId, entry);
                }

                throw;
            }
            finally
            {
                entry.Lock.Release();
            }
        }
    }

    public async Task RemoveConnectionAsync(string userId)
    {
        if (Find(userId) is not { } entry)
        {
            return;
        }

        await entry.Lock.WaitAsync();
        try
        {
            if (entry.Removed || --entry.Connections > 0)
            {
                return;
            }

            Forget(userId, entry);
            if (entry.Handle is { } handle)
            {
                entry.Handle = null;
                await handle.UnsubscribeAsync();
            }
        }
        catch (Exception exception)
        {
            // The subscription is gone from this front either way; the pub-sub entry expires with the client.
            UnsubscribeFailed(logger, userId, exception);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="join"/> with the position of the last owed event delivered to the
    /// user's connections here, while no delivery can run: a connection that joins its group (or
    /// the raw WebSocket list) inside it gets exactly the events after that position.
    /// </summary>
    public async Task JoinAsync(string userId, Func<EventPosition, Task> join)
    {
        var entry = Find(userId) ?? throw new InvalidOperationException($"{userId} has no subscription on this front.");
        await entry.Lock.WaitAsync();
        try
        {
            await join(entry.Delivered);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    /// <summary>
    /// The owed events a client missed between <paramref name="from"/> (the last it saw) and
    /// <paramref name="upTo"/> (where its connection's live events began), if the user grain
    /// still holds them all; otherwise the client catches up through REST.
    /// </summary>
    public async Task<(bool Complete, IReadOnlyList<(ClientEvent Event, EventPosition Position)> Events)> ReplayAsync(
        string userId, EventPosition from, EventPosition upTo)
    {
        if (from == upTo)
        {
            return (true, []);
        }

        if (from.Epoch != upTo.Epoch || from.Seq > upTo.Seq)
        {
            return (false, []);
        }

        var replay = await cluster.GetUser(userId).GetEventsAfter(from);
        var events = replay.Events.Where(e => e.Epoch == upTo.Epoch && e.Seq <= upTo.Seq).ToList();
        var complete = replay.Complete && events.Count == upTo.Seq - from.Seq;
        if (!complete)
        {
            return (false, []);
        }

        var shown = new List<(ClientEvent, EventPosition)>(events.Count);
        foreach (var streamed in events)
        {
            if (await ClientEvent.FromAsync(streamed.Event, directory) is { } clientEvent)
            {
                shown.Add((clientEvent, streamed.Position));
            }
        }

        return (true, shown);
    }

    /// <summary>After the Orleans client lost and regained the cluster, subscribe every connected user again.</summary>
    public async Task ResubscribeAllAsync()
    {
        var entries = Snapshot();
        foreach (var (userId, entry) in entries)
        {
            await entry.Lock.WaitAsync();
            try
            {
                if (entry.Removed)
                {
                    continue;
                }

                if (entry.Handle is { } stale)
                {
                    try
                    {
                        await stale.UnsubscribeAsync();
                    }
                    catch (Exception exception)
                    {
                        UnsubscribeFailed(logger, userId, exception);
                    }
                }

                entry.Handle = await Subscribe(userId, entry);
            }
            finally
            {
                entry.Lock.Release();
            }
        }

        Resubscribed(logger, entries.Count);
        await VerifyAllAsync();
    }

    /// <summary>
    /// Asks every connected user's grain where its sequence stands and repairs what this front
    /// missed: after a silo died (its queues' events, and its users' grains, are gone) or the
    /// cluster connection came back. Users whose grain cannot be reached yet are retried.
    /// </summary>
    public async Task VerifyAllAsync(CancellationToken cancellationToken = default)
    {
        var pending = Snapshot();
        for (var attempt = 0; pending.Count > 0 && attempt < 10 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            var failed = new List<(string, Entry)>();
            foreach (var (userId, entry) in pending)
            {
                await entry.Lock.WaitAsync(cancellationToken);
                try
                {
                    if (!entry.Removed)
                    {
                        await CatchUpAsync(userId, entry);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failed.Add((userId, entry));
                }
                finally
                {
                    entry.Lock.Release();
                }
            }

            pending = failed;
        }
    }

    private Task<StreamSubscriptionHandle<StreamedUserEvent>> Subscribe(string userId, Entry entry) =>
        cluster.GetStreamProvider(UserStreams.Provider)
            .GetStream<StreamedUserEvent>(UserStreams.For(userId))
            .SubscribeAsync((streamed, _) => OnStreamedAsync(userId, entry, streamed));

    private async Task OnStreamedAsync(string userId, Entry entry, StreamedUserEvent streamed)
    {
        Grains.Telemetry.SocialMetrics.EventArrived(streamed.Event);
        await entry.Lock.WaitAsync();
        try
        {
            if (entry.Removed)
            {
                return;
            }

            await HandleAsync(userId, entry, streamed);
        }
        catch (Exception exception)
        {
            // A failed delivery must not stop the stream for this user; the next event or marker repairs it.
            DeliveryFailed(logger, streamed.Event.GetType().Name, userId, exception);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    private async Task HandleAsync(string userId, Entry entry, StreamedUserEvent streamed)
    {
        switch (streamed.Event)
        {
            case PositionMarkerEvent:
                if (streamed.Epoch != entry.Delivered.Epoch || streamed.Seq > entry.Delivered.Seq)
                {
                    await CatchUpAsync(userId, entry);
                }

                return;
            case Grains.Accounts.SessionsEndedEvent ended:
                sessions.EndBefore(userId, ended.SessionVersion);
                return;
            case { IsOwed: false }:
                if (await ClientEvent.FromAsync(streamed.Event, directory) is { } fleeting)
                {
                    await DeliverAsync(userId, fleeting, position: null);
                }

                return;
        }

        var sameEpoch = streamed.Epoch == entry.Delivered.Epoch;
        if (sameEpoch && streamed.Seq <= entry.Delivered.Seq)
        {
            return; // delivered already (a repair got there first, or the stream repeated it)
        }

        if (!sameEpoch || streamed.Seq > entry.Delivered.Seq + 1)
        {
            await CatchUpAsync(userId, entry);
            if (streamed.Epoch != entry.Delivered.Epoch || streamed.Seq != entry.Delivered.Seq + 1)
            {
                return; // the catch-up delivered it, or moved past it with a resync
            }
        }

        await DeliverOwedAsync(userId, entry, streamed);
    }

    /// <summary>Delivers whatever the user grain has after this front's position; a resync when that cannot be done in full.</summary>
    private async Task CatchUpAsync(string userId, Entry entry)
    {
        var replay = await cluster.GetUser(userId).GetEventsAfter(entry.Delivered);
        if (!replay.Complete)
        {
            // Lost for good (the grain restarted, or the gap is older than its buffer). Start the
            // new run from its beginning when the grain still holds it, else from where it stands.
            var current = replay.Current;
            var fromStart = current.Epoch != entry.Delivered.Epoch && (current.Seq == 0 || (replay.Events.Count > 0 && replay.Events[0].Seq == 1));
            entry.Delivered = fromStart ? new EventPosition(current.Epoch, 0) : current;
            GapNotRepairable(logger, userId, current.Epoch, current.Seq);
            foreach (var sink in _sinks)
            {
                await sink.ResyncAsync(userId, entry.Delivered);
            }

            if (!fromStart)
            {
                return;
            }
        }
        else if (replay.Events.Count > 0)
        {
            GapRepaired(logger, userId, replay.Events.Count);
        }

        foreach (var streamed in replay.Events)
        {
            if (streamed.Epoch == entry.Delivered.Epoch && streamed.Seq == entry.Delivered.Seq + 1)
            {
                await DeliverOwedAsync(userId, entry, streamed);
            }
        }
    }

    private async Task DeliverOwedAsync(string userId, Entry entry, StreamedUserEvent streamed)
    {
        entry.Delivered = streamed.Position;

        // A message announced again (a retry answered from storage after its user grain
        // restarted) is a new event, but these connections have seen the message already.
        if (streamed.Event is NewMessageEvent { Message.MessageId: var messageId } && !entry.RecentMessages.Add(messageId))
        {
            return;
        }

        if (await ClientEvent.FromAsync(streamed.Event, directory) is { } clientEvent)
        {
            using var push = PushTracing.StartDelivery(clientEvent.Name, streamed.TraceParent);
            await DeliverAsync(userId, clientEvent, streamed.Position);
        }
    }

    private async Task DeliverAsync(string userId, ClientEvent clientEvent, EventPosition? position)
    {
        foreach (var sink in _sinks)
        {
            await sink.DeliverAsync(userId, clientEvent, position);
        }
    }

    private Entry? Find(string userId)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(userId);
        }
    }

    private List<(string UserId, Entry Entry)> Snapshot()
    {
        lock (_gate)
        {
            return _entries.Select(pair => (pair.Key, pair.Value)).ToList();
        }
    }

    private void Forget(string userId, Entry entry)
    {
        entry.Removed = true;
        lock (_gate)
        {
            _entries.Remove(userId);
        }
    }

    private Entry GetOrCreate(string userId)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(userId, out var entry))
            {
                entry = new Entry();
                _entries[userId] = entry;
            }

            return entry;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing {UserId} failed")]
    private static partial void UnsubscribeFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {EventType} to {UserId} failed")]
    private static partial void DeliveryFailed(ILogger logger, string eventType, string userId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resubscribed {Count} users after the cluster connection came back")]
    private static partial void Resubscribed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repaired a gap of {Count} events for {UserId} from the user's recent events")]
    private static partial void GapRepaired(ILogger logger, string userId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Events for {UserId} were lost beyond repair; told its clients to resync at {Epoch}:{Seq}")]
    private static partial void GapNotRepairable(ILogger logger, string userId, long epoch, long seq);

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public int Connections { get; set; }

        public bool Removed { get; set; }

        public EventPosition Delivered { get; set; } = EventPosition.None;

        public RecentIds RecentMessages { get; } = new(32);

        public StreamSubscriptionHandle<StreamedUserEvent>? Handle { get; set; }
    }

    /// <summary>The last few ids seen, oldest forgotten first.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly Queue<string> _order = new(capacity);
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        /// <summary>False when <paramref name="id"/> is among the recent ones.</summary>
        public bool Add(string id)
        {
            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
