using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Social.Grains.Friends;
using Social.Grains.Realtime;
using Social.Grains.Telemetry;

namespace Social.Grains.Presence;

/// <summary>
/// A user's presence (see <see cref="IPresenceGrain"/>). The connection state is in memory only:
/// fronts renew it well within the lease, so a grain that lost it with its silo has it back
/// within a renewal. The setting and last-seen time are read from storage lazily: an offline
/// friend's grain woken by an announcement only checks that its user is not connected, so a fan-out
/// to 2,000 friends does not read 2,000 rows.
/// </summary>
public sealed partial class PresenceGrain(
    IOptions<PresenceOptions> options,
    TimeProvider time,
    ILogger<PresenceGrain> logger) : Grain, IPresenceGrain
{
    private const string StateName = "presence";
    private const int FriendPage = 1000;

    private readonly PresenceOptions _options = options.Value;
    private readonly PresenceLeases _leases = new();
    private PresenceAnnouncer _announcer = null!;
    private string _userId = "";
    private IGrainStorage _storage = null!;
    private GrainState<PresenceState>? _stored;
    private PresenceState? _state;
    private UserEventPublisher _publisher = null!;
    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _announceTimer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _userId = GrainKeys.UserIdFromPresenceKey(this.GetPrimaryKeyString());
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SocialNames.GrainStorage);
        _publisher = UserEventPublisher.For(this, logger);
        _announcer = new PresenceAnnouncer(_options.CoalesceWindow);
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task Report(string frontId, long seq, int connections, int activeConnections)
    {
        var state = await StateAsync();
        var before = _leases.Status;
        var now = time.GetUtcNow();
        if (!_leases.Apply(frontId, seq, connections, activeConnections, now, _options.Lease))
        {
            return;
        }

        if (before != PresenceStatus.Offline && _leases.Status == PresenceStatus.Offline)
        {
            state.LastSeenAt = now;
        }

        WatchLeases();
        OnChanged();
    }

    public async Task<OwnPresence> GetOwn()
    {
        var state = await StateAsync();
        return new OwnPresence(_leases.Status, state.Hidden);
    }

    public async Task<PresenceView> GetShared() => Shared(await StateAsync());

    public async Task SetHidden(bool hidden)
    {
        var state = await StateAsync();
        if (state.Hidden == hidden)
        {
            return;
        }

        state.Hidden = hidden;
        await WriteAsync();
        OnChanged();
    }

    public Task OnFriendPresence(string friendId, PresenceView presence)
    {
        // Not connected anywhere: nobody to tell, and no need to read the setting.
        if (_leases.Status == PresenceStatus.Offline || _state is not { Hidden: false })
        {
            return Task.CompletedTask;
        }

        _publisher.Publish(_userId, new StreamedUserEvent(0, 0, new PresenceChangedEvent(friendId, presence)));
        return Task.CompletedTask;
    }

    private PresenceView Shared(PresenceState state) => state.Hidden
        ? PresenceView.Unknown
        : _leases.Status switch
        {
            PresenceStatus.Offline => new PresenceView(PresenceStatus.Offline, state.LastSeenAt),
            var status => new PresenceView(status, null),
        };

    /// <summary>Checks leases while any is held; a front that stopped renewing loses its share when its lease ends.</summary>
    private void WatchLeases()
    {
        if (_leases.IsEmpty || _expiryTimer is not null)
        {
            return;
        }

        var period = _options.Lease / 4 < TimeSpan.FromSeconds(1) ? _options.Lease / 4 : TimeSpan.FromSeconds(1);
        _expiryTimer = this.RegisterGrainTimer(ExpireLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = period,
            Period = period,
            KeepAlive = true,
        });
    }

    private Task ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        var before = _leases.Status;
        if (_leases.Expire(time.GetUtcNow()) is { } lastConnected && before != PresenceStatus.Offline && _leases.Status == PresenceStatus.Offline && _state is not null)
        {
            _state.LastSeenAt = lastConnected;
            LeaseExpired(logger, _userId, lastConnected);
        }

        if (_leases.IsEmpty)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
        }

        OnChanged();
        return Task.CompletedTask;
    }

    /// <summary>Schedules an announcement, unless one is already due.</summary>
    private void OnChanged()
    {
        if (_announceTimer is not null || _state is null || Shared(_state) == _announcer.Announced)
        {
            return;
        }

        _announceTimer = this.RegisterGrainTimer(AnnounceAsync, new GrainTimerCreationOptions
        {
            DueTime = _announcer.DelayFrom(time.GetUtcNow()),
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
    }

    /// <summary>Tells every friend's presence grain the state reached, if it is not what they were last told.</summary>
    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        _announceTimer?.Dispose();
        _announceTimer = null;
        var state = await StateAsync();
        var current = Shared(state);
        if (!_announcer.TryTake(current, time.GetUtcNow()))
        {
            return;
        }

        if (current.Status == PresenceStatus.Offline)
        {
            await WriteAsync(); // the last-seen time, once per announcement rather than per disconnect
        }

        var friends = 0;
        var user = GrainFactory.GetUser(_userId);
        string? cursor = null;
        do
        {
            var page = await user.ListRelationships(RelationshipFilter.Accepted, FriendPage, cursor);
            foreach (var friend in page.Items)
            {
                _ = GrainFactory.GetPresence(friend.PeerId).OnFriendPresence(_userId, current);
            }

            friends += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        PresenceMetrics.Announced(friends);
    }

    private async Task<PresenceState> StateAsync()
    {
        if (_state is null)
        {
            var stored = new GrainState<PresenceState>(new PresenceState());
            await _storage.ReadStateAsync(StateName, this.GetGrainId(), stored);
            if (_state is null)
            {
                _stored = stored;
                _state = stored.State ?? new PresenceState();
            }
        }

        return _state;
    }

    private async Task WriteAsync()
    {
        var stored = _stored!;
        stored.State = _state!;
        try
        {
            await _storage.WriteStateAsync(StateName, this.GetGrainId(), stored);
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote since we read (a silo died mid-way): take its version, keep ours.
            var fresh = new GrainState<PresenceState>(new PresenceState());
            await _storage.ReadStateAsync(StateName, this.GetGrainId(), fresh);
            fresh.State = _state!;
            _stored = fresh;
            await _storage.WriteStateAsync(StateName, this.GetGrainId(), fresh);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Presence of {UserId}: a front stopped renewing; offline, last seen {LastSeenAt}")]
    private static partial void LeaseExpired(ILogger logger, string userId, DateTimeOffset lastSeenAt);
}
