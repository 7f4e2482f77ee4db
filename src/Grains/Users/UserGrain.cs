using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.RateLimiting;
using Social.Grains.Realtime;
using Social.Grains.Telemetry;
using Social.Storage.Messages;

namespace Social.Grains.Users;

/// <summary>
/// A user's plan, limits, relationship index and event sequence. It makes no calls to other
/// grains: pair decisions arrive from <see cref="FriendshipGrain"/> as versioned projections,
/// conversation changes as one-way notes, and every owed event the user's clients hear passes
/// through here to be numbered (<see cref="UserEventLog"/>) and published on the user's stream.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", SocialNames.GrainStorage)] IPersistentState<UserState> state,
    IOptions<FriendOptions> friendOptions,
    IOptions<RateLimitOptions> rateLimitOptions,
    IMessageStore messages,
    TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    /// <summary>How long after the last owed event the position marker goes out (and how often it is retried).</summary>
    private static readonly TimeSpan MarkerDelay = TimeSpan.FromSeconds(1);

    private readonly FriendOptions _options = friendOptions.Value;
    private readonly UserQuotas _quotas = new(rateLimitOptions.Value, time);
    private readonly FriendSlots _slots = new(time);

    private ConversationIndex? _conversations;

    private string _userId = "";
    private UserEventLog _events = null!;
    private UserEventPublisher _publisher = null!;
    private IGrainTimer? _markerTimer;
    private long _markedSeq;
    private DateTimeOffset _lastOwedAt;

    private Dictionary<string, PeerEntry> Peers => state.State.Peers;

    private int FriendLimit => _options.LimitFor(state.State.Plan);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _userId = GrainKeys.UserIdFromKey(this.GetPrimaryKeyString());
        _events = new UserEventLog(time);
        _publisher = UserEventPublisher.For(this, logger);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<UserSummary> GetSummary() =>
        Task.FromResult(new UserSummary(state.State.Plan, RelationshipIndex.CountFriends(Peers), FriendLimit));

    public async Task SetPlan(Plan plan)
    {
        if (state.State.Plan == plan)
        {
            return;
        }

        state.State.Plan = plan;
        await state.WriteStateAsync();
    }

    public Task<PeerView> GetRelationship(string peerId) => Task.FromResult(ViewOf(peerId));

    public Task<IReadOnlyDictionary<string, PeerView>> GetRelationships(IReadOnlyList<string> peerIds)
    {
        var views = new Dictionary<string, PeerView>(peerIds.Count, StringComparer.Ordinal);
        foreach (var peerId in peerIds)
        {
            views[peerId] = ViewOf(peerId);
        }

        return Task.FromResult<IReadOnlyDictionary<string, PeerView>>(views);
    }

    public Task<IReadOnlyList<string>> GetBlockedEitherWay() =>
        Task.FromResult<IReadOnlyList<string>>(
            Peers.Where(pair => pair.Value.IBlocked || pair.Value.BlockedMe).Select(pair => pair.Key).ToList());

    public Task<RelationshipPage> ListRelationships(RelationshipFilter filter, int limit, string? cursor) =>
        Task.FromResult(RelationshipIndex.List(Peers, filter, limit, cursor));

    public async Task<ConversationPage> ListConversations(int limit, string? cursor, IReadOnlySet<string>? peerIds) =>
        (await Conversations()).List(limit, cursor, peerIds);

    public async Task<IReadOnlyList<string>> GetConversationPeers() =>
        (await Conversations()).PeerIds();

    public async Task<UnreadSummary> GetUnread() => (await Conversations()).Unread();

    public async Task<SendAdmission> AdmitSend(string peerId, bool isGreeting)
    {
        var refusal = SendRules.Check(ViewOf(peerId), isGreeting, state.State.Plan);
        if (refusal != MessageError.None)
        {
            return new SendAdmission(refusal);
        }

        if (isGreeting && !_quotas.GreetingsLoaded)
        {
            _quotas.LoadGreetings(await messages.LoadGreetingTimesAsync(_userId, time.GetUtcNow() - UserQuotas.GreetingWindow));
        }

        var taken = isGreeting ? _quotas.TryTakeGreeting(out var retryAfter) : _quotas.TryTakeMessage(out retryAfter);
        return taken ? SendAdmission.Admitted : new SendAdmission(MessageError.RateLimited, retryAfter);
    }

    public Task<EventPosition> GetEventPosition() => Task.FromResult(_events.Position);

    public Task<EventReplay> GetEventsAfter(EventPosition position) => Task.FromResult(_events.After(position));

    public Task AnnouncePosition()
    {
        _publisher.Publish(_userId, _events.Marker());
        return Task.CompletedTask;
    }

    public Task OnConversationActivity(ConversationActivity activity, UserEvent? userEvent)
    {
        // Not loaded yet: the note's change is already stored, so the rebuild will include it.
        _conversations?.Apply(activity);

        // A conversation that answered a retry from storage announces the message again, in
        // case its first activation died before announcing it; once is enough for the clients.
        if (userEvent is not null && !(userEvent is NewMessageEvent repeated && _events.HasRecentMessage(repeated.Message.MessageId)))
        {
            PublishOwed(userEvent);
        }

        return Task.CompletedTask;
    }

    public Task DeliverEvent(UserEvent userEvent)
    {
        if (PeerSignals.SenderOf(userEvent) is { } from && ViewOf(from).IsBlockedEitherWay)
        {
            return Task.CompletedTask;
        }

        if (userEvent.IsOwed)
        {
            PublishOwed(userEvent);
        }
        else
        {
            _publisher.Publish(_userId, new StreamedUserEvent(0, 0, userEvent));
        }

        return Task.CompletedTask;
    }

    public Task<FriendshipResult> AdmitFriendRequest(string peerId)
    {
        if (_slots.IsFull(Peers, peerId, FriendLimit))
        {
            return Task.FromResult(FriendshipResult.Fail(FriendError.FriendLimitReached));
        }

        return Task.FromResult(_quotas.TryTakeFriendRequest(out var retryAfter)
            ? FriendshipResult.Ok(PeerStatus.PendingOutgoing)
            : FriendshipResult.Fail(FriendError.RateLimited, retryAfter));
    }

    public Task<bool> TryReserveFriendSlot(string peerId) => Task.FromResult(_slots.TryReserve(Peers, peerId, FriendLimit));

    public Task ReleaseFriendSlot(string peerId)
    {
        _slots.Release(peerId);
        return Task.CompletedTask;
    }

    public async Task ApplyPeerView(string peerId, PeerView view, long version, FriendChange change)
    {
        _slots.Release(peerId);
        var before = ViewOf(peerId);
        if (Peers.TryGetValue(peerId, out var existing) && existing.Version >= version)
        {
            return;
        }

        // Entries are kept even when the pair returns to "none": the version is what lets a late,
        // older projection be recognised and ignored.
        Peers[peerId] = new PeerEntry
        {
            Status = view.Status,
            IBlocked = view.IBlocked,
            BlockedMe = view.BlockedMe,
            Since = view.Since,
            Version = version,
        };
        await state.WriteStateAsync();
        foreach (var userEvent in RelationshipEvents.For(peerId, before, view, change))
        {
            PublishOwed(userEvent);
        }
    }

    /// <summary>Numbers the event, publishes it, and makes sure a position marker follows once things are quiet.</summary>
    private void PublishOwed(UserEvent userEvent)
    {
        var streamed = _events.Append(userEvent, PushTracing.CurrentTraceParent());
        _lastOwedAt = time.GetUtcNow();
        _publisher.Publish(_userId, streamed);
        _markerTimer ??= this.RegisterGrainTimer(AnnouncePositionAsync, new GrainTimerCreationOptions
        {
            DueTime = MarkerDelay,
            Period = MarkerDelay,
            KeepAlive = false,
        });
    }

    /// <summary>
    /// Publishes where the sequence stands once no owed event has gone out for a moment, so a
    /// front that lost the last event notices; retried each tick until a publish succeeds.
    /// While events keep coming, each one shows a front what it missed before it.
    /// </summary>
    private async Task AnnouncePositionAsync(CancellationToken cancellationToken)
    {
        var seq = _events.Seq;
        if (seq == _markedSeq)
        {
            _markerTimer?.Dispose();
            _markerTimer = null;
            return;
        }

        if (time.GetUtcNow() - _lastOwedAt < MarkerDelay)
        {
            return;
        }

        try
        {
            await _publisher.PublishAsync(_userId, _events.Marker());
            _markedSeq = seq;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Tried again on the next tick.
        }
    }

    /// <summary>The conversation index, rebuilt from storage on first use after activation.</summary>
    private async Task<ConversationIndex> Conversations()
    {
        if (_conversations is not null)
        {
            return _conversations;
        }

        var userId = _userId;
        var rows = await messages.LoadUserConversationsAsync(userId);
        var index = new ConversationIndex();
        foreach (var row in rows)
        {
            var peer = row.MemberIds.FirstOrDefault(member => member != userId) ?? userId;
            var last = row.LastVisibleMessage;
            index.Apply(new ConversationActivity(
                row.ConversationId, peer, row.LastSeq, row.LastReadSeq, row.LastOwnSeq,
                last is null ? null : MessageMapping.ToMessage(last),
                last?.CreatedAt ?? DateTimeOffset.MinValue));
        }

        _conversations = index;
        return index;
    }

    private PeerView ViewOf(string peerId) => Peers.TryGetValue(peerId, out var entry) ? entry.ToView() : PeerView.Nobody;
}
