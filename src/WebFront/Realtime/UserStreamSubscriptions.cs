using Orleans.Streams;
using Social.Grains.Realtime;
using Social.Storage.Accounts;

namespace Social.WebFront.Realtime;

/// <summary>
/// This front's subscriptions to users' streams: one per user with at least one connection here,
/// taken on the user's first connection and dropped on the last, and fanned out to every
/// connection the user has on this front (all tabs, all devices, SignalR and raw WebSocket).
/// </summary>
public sealed partial class UserStreamSubscriptions(
    IClusterClient cluster, IUserDirectory directory, IEnumerable<IUserEventSink> sinks, ILogger<UserStreamSubscriptions> logger)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

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

    /// <summary>How many of <paramref name="userIds"/> have a subscription here.</summary>
    public int CountSubscribed(IEnumerable<string> userIds)
    {
        lock (_gate)
        {
            return userIds.Count(_entries.ContainsKey);
        }
    }

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
                entry.Handle ??= await Stream(userId).SubscribeAsync((userEvent, _) => OnEventAsync(userId, userEvent));
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
        Entry? entry;
        lock (_gate)
        {
            _entries.TryGetValue(userId, out entry);
        }

        if (entry is null)
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

    /// <summary>After the Orleans client lost and regained the cluster, subscribe every connected user again.</summary>
    public async Task ResubscribeAllAsync()
    {
        List<(string UserId, Entry Entry)> entries;
        lock (_gate)
        {
            entries = _entries.Select(pair => (pair.Key, pair.Value)).ToList();
        }

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

                entry.Handle = await Stream(userId).SubscribeAsync((userEvent, _) => OnEventAsync(userId, userEvent));
            }
            finally
            {
                entry.Lock.Release();
            }
        }

        Resubscribed(logger, entries.Count);
    }

    private async Task OnEventAsync(string userId, UserEvent userEvent)
    {
        try
        {
            if (await ClientEvent.FromAsync(userEvent, directory) is not { } clientEvent)
            {
                return;
            }

            foreach (var sink in sinks)
            {
                await sink.DeliverAsync(userId, clientEvent);
            }
        }
        catch (Exception exception)
        {
            // A failed delivery must not stop the stream for this user.
            DeliveryFailed(logger, userEvent.GetType().Name, userId, exception);
        }
    }

    private IAsyncStream<UserEvent> Stream(string userId) =>
        cluster.GetStreamProvider(UserStreams.Provider).GetStream<UserEvent>(UserStreams.For(userId));

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

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public int Connections { get; set; }

        public bool Removed { get; set; }

        public StreamSubscriptionHandle<UserEvent>? Handle { get; set; }
    }
}
