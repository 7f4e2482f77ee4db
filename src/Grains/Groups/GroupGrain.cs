using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.Realtime;
using Social.Grains.Users;
using Social.Storage.Groups;
using Social.Storage.Messages;

namespace Social.Grains.Groups;

/// <summary>
/// One group: the rules are <see cref="GroupMembership"/>'s; this grain orders every change and
/// message in one seq, stores it (messages in the message store, membership changes as system
/// messages there too, a snapshot of the membership in grain state), and only then tells the
/// members, one-way, through each member's <see cref="IUserGroupsGrain"/>. Not reentrant, so a
/// send and a membership change never interleave: the member set a message is fanned out to is
/// exactly the set at its seq.
/// </summary>
public sealed partial class GroupGrain(
    [PersistentState("group", SocialNames.GrainStorage)] IPersistentState<GroupState> state,
    IMessageStore store,
    IGroupStore groupStore,
    IOptions<GroupOptions> options,
    TimeProvider time,
    ILogger<GroupGrain> logger) : Grain, IGroupGrain, IIncomingGrainCallFilter
{
    private const int WindowSize = 200;
    private const int StoreChunk = 100;

    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often moved read cursors go out to the members, gathered.</summary>
    private static readonly TimeSpan ReadFlushInterval = TimeSpan.FromSeconds(1);

    private readonly RecentWindow<StoredMessage> _window = new(WindowSize);
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _ownSeqs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<long>> _hidden = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastTyping = new(StringComparer.Ordinal);
    private readonly HashSet<string> _movedCursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IUserGroupsGrain> _userGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IUserGrain> _users = new(StringComparer.Ordinal);
    private AbsenceCollector? _absence;

    private GroupMembership _membership = null!;
    private string _id = "";
    private long _lastSeq;
    private IGrainTimer? _readFlush;

    // Set when a write failed: the seq it took may or may not be stored, so the activation must reload.
    private bool _broken;

    private int MaxMembers => options.Value.MaxMembers;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = GrainKeys.GroupIdFromKey(this.GetPrimaryKeyString());
        _membership = new GroupMembership(state.State);
        var recent = await store.ReadPageAsync(_id, beforeSeq: null, afterSeq: null, WindowSize, cancellationToken);
        _window.Load(recent);
        _lastSeq = recent.Count == 0 ? 0 : recent[^1].Seq;
        foreach (var message in recent.Where(message => !GroupChangeCodec.IsSystem(message)))
        {
            _ownSeqs[message.SenderId] = message.Seq;
        }

        if (_lastSeq > state.State.AppliedSeq)
        {
            await ReplayAsync(cancellationToken);
        }

        if (_membership.Exists)
        {
            foreach (var (userId, seq) in await groupStore.LoadReadSeqsAsync(_id, cancellationToken))
            {
                _cursors[userId] = seq;
            }
        }
    }

    /// <summary>A group that does not exist (a lookup of a random id) does not keep an activation alive for long.</summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        (_absence ??= new AbsenceCollector(this, time)).CallEnded(exists: _membership.Exists);
    }

    public async Task<GroupResult> Create(CreateGroupCommand command)
    {
        ThrowIfBroken();
        if (GroupNames.Normalize(command.Name) is not { } name)
        {
            return GroupResult.Fail(GroupError.InvalidName);
        }

        var memberIds = command.MemberIds.Where(id => id != command.CreatorId).Distinct(StringComparer.Ordinal).ToList();
        var error = _membership.CheckCreate(command.CreatorId, memberIds, MaxMembers);
        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        var relationships = await User(command.CreatorId).GetRelationships(memberIds);
        foreach (var memberId in memberIds)
        {
            if (RelationshipError(relationships[memberId]) is var refused and not GroupError.None)
            {
                return GroupResult.Fail(refused);
            }
        }

        var message = await CommitAsync(new GroupChange(GroupChangeTypes.Created, command.CreatorId, [command.CreatorId, .. memberIds], name));
        await RecordJoinedAsync(_membership.MemberIds);
        await SnapshotAsync();
        Announce(message);
        return Ok();
    }

    public Task<GroupResult> Get(string userId) =>
        Task.FromResult(_membership.IsMember(userId) ? Ok() : GroupResult.Fail(GroupError.GroupNotFound));

    public async Task<GroupResult> AddMember(string actorId, string userId)
    {
        ThrowIfBroken();
        var error = _membership.CheckAdd(actorId, userId, MaxMembers);
        if (error == GroupError.None)
        {
            error = RelationshipError(await User(actorId).GetRelationship(userId));
        }

        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        var message = await CommitAsync(new GroupChange(GroupChangeTypes.MemberAdded, actorId, [userId]));
        await RecordJoinedAsync([userId]);
        await SnapshotAsync();
        Announce(message);
        return Ok();
    }

    public async Task<GroupResult> RemoveMember(string actorId, string userId)
    {
        if (actorId == userId)
        {
            var left = await Leave(userId);
            return left == GroupError.None ? new GroupResult(GroupError.None, null) : GroupResult.Fail(left);
        }

        ThrowIfBroken();
        var error = _membership.CheckRemove(actorId, userId);
        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        var message = await CommitAsync(new GroupChange(GroupChangeTypes.MemberRemoved, actorId, [userId]));
        await SnapshotAsync();
        Announce(message, alsoTo: userId);
        return Ok();
    }

    public async Task<GroupError> Leave(string userId)
    {
        ThrowIfBroken();
        if (!_membership.IsMember(userId))
        {
            return GroupError.GroupNotFound;
        }

        var wasOwner = _membership.OwnerId == userId;
        var message = await CommitAsync(new GroupChange(GroupChangeTypes.MemberLeft, userId, [userId]));
        Announce(message, alsoTo: userId);

        // Applying the leave already made the successor owner; this records it in the history.
        if (wasOwner && _membership.OwnerId.Length > 0)
        {
            Announce(await CommitAsync(new GroupChange(GroupChangeTypes.OwnerChanged, userId, [_membership.OwnerId])));
        }

        await SnapshotAsync();
        return GroupError.None;
    }

    public async Task<GroupResult> Rename(string actorId, string name)
    {
        ThrowIfBroken();
        var error = _membership.CheckRename(actorId);
        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        if (GroupNames.Normalize(name) is not { } normalized)
        {
            return GroupResult.Fail(GroupError.InvalidName);
        }

        if (normalized != _membership.Name)
        {
            await ChangeAsync(new GroupChange(GroupChangeTypes.Renamed, actorId, [], normalized));
        }

        return Ok();
    }

    public async Task<GroupResult> SetRole(string actorId, string userId, GroupRole role)
    {
        ThrowIfBroken();
        var error = _membership.CheckSetRole(actorId, userId, role);
        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        if (_membership.Member(userId)!.Role != role)
        {
            await ChangeAsync(new GroupChange(GroupChangeTypes.RoleChanged, actorId, [userId], Role: GroupRoles.Name(role)));
        }

        return Ok();
    }

    public async Task<GroupResult> TransferOwnership(string actorId, string userId)
    {
        ThrowIfBroken();
        var error = _membership.CheckTransfer(actorId, userId);
        if (error != GroupError.None)
        {
            return GroupResult.Fail(error);
        }

        await ChangeAsync(new GroupChange(GroupChangeTypes.OwnerChanged, actorId, [userId]));
        return Ok();
    }

    public async Task<GroupSendResult> Send(GroupSendCommand command)
    {
        ThrowIfBroken();
        var contentError = MessageContent.Check(command.Content);
        if (contentError != MessageError.None)
        {
            return new GroupSendResult(GroupError.None, contentError, null);
        }

        if (!_membership.IsMember(command.SenderId))
        {
            return new GroupSendResult(GroupError.GroupNotFound, MessageError.None, null);
        }

        if (command.ClientMessageId is { } retried && _window.FindByClientId(command.SenderId, retried) is { } recent)
        {
            return new GroupSendResult(GroupError.None, MessageError.None, GroupChangeCodec.ToMessage(recent), Duplicate: true);
        }

        var admission = await User(command.SenderId).AdmitGroupSend();
        if (!admission.IsAdmitted)
        {
            return new GroupSendResult(GroupError.None, admission.Error, null, RetryAfter: admission.RetryAfter);
        }

        StoredMessage stored;
        try
        {
            stored = await AppendAsync(command.SenderId, _id, command.Content, command.ClientMessageId);
        }
        catch (MessageAppendException) when (command.ClientMessageId is { } clientMessageId)
        {
            // A retry older than the window, refused by the unique index: answer with the first.
            var earlier = await store.FindByClientMessageIdAsync(_id, command.SenderId, clientMessageId);
            return earlier is null
                ? throw new InvalidOperationException($"Group {_id}: a write failed; retry.")
                : new GroupSendResult(GroupError.None, MessageError.None, GroupChangeCodec.ToMessage(earlier), Duplicate: true);
        }

        _ownSeqs[command.SenderId] = stored.Seq;
        var message = GroupChangeCodec.ToMessage(stored);
        Announce(message);
        return new GroupSendResult(GroupError.None, MessageError.None, message);
    }

    public async Task<GroupHistoryPage?> GetHistory(string userId, long? beforeSeq, long? afterSeq, int limit)
    {
        if (!_membership.WasEverMember(userId))
        {
            return null;
        }

        var spans = _membership.SpansOf(userId);
        var firstSeq = spans[0].From;
        var lastSeq = _membership.LastVisibleSeq(userId, _lastSeq);
        var hidden = await HiddenOf(userId);
        var ascending = afterSeq is not null;
        var cursor = ascending ? Math.Max(afterSeq!.Value, firstSeq - 1) : Math.Min(beforeSeq ?? long.MaxValue, lastSeq + 1);
        var visible = new List<StoredMessage>(limit + 1);
        while (visible.Count <= limit && (ascending ? cursor < lastSeq : cursor > firstSeq))
        {
            var chunk = ascending ? await ReadAfter(cursor) : await ReadBefore(cursor);
            if (chunk.Count == 0)
            {
                break;
            }

            var ordered = ascending ? chunk : chunk.Reverse();
            visible.AddRange(ordered
                .Where(message => message.Seq <= lastSeq && _membership.CanSee(userId, message.Seq) && !hidden.Contains(message.Seq))
                .Take(limit + 1 - visible.Count));
            cursor = ascending ? chunk[^1].Seq : chunk[0].Seq;
        }

        var hasMore = visible.Count > limit;
        var page = visible.Take(limit);
        var items = (ascending ? page : page.Reverse()).Select(GroupChangeCodec.ToMessage).ToList();
        return new GroupHistoryPage(items, hasMore, ReadBy());
    }

    public async Task<ReadState?> MarkRead(string userId, long? upToSeq)
    {
        if (!_membership.IsMember(userId))
        {
            return null;
        }

        var target = Math.Min(upToSeq ?? _lastSeq, _lastSeq);
        if (target > _cursors.GetValueOrDefault(userId))
        {
            await groupStore.SetReadSeqAsync(_id, userId, target);
            _cursors[userId] = Math.Max(_cursors.GetValueOrDefault(userId), target);

            // The reader's other tabs hear it at once; the other members, gathered (see FlushReads).
            var receipt = new ReadReceiptEvent(_id, userId, _cursors[userId], time.GetUtcNow());
            _ = UserGroups(userId).OnGroupActivity(ActivityFor(userId, null), receipt);
            _movedCursors.Add(userId);
            _readFlush ??= this.RegisterGrainTimer(FlushReads, new GrainTimerCreationOptions
            {
                DueTime = ReadFlushInterval,
                Period = ReadFlushInterval,
                KeepAlive = false,
            });
        }

        var activity = ActivityFor(userId, null).Activity;
        return new ReadState(_id, activity.LastReadSeq, activity.UnreadCount);
    }

    public async Task<MessageError> Hide(string userId, string messageId)
    {
        if (!_membership.WasEverMember(userId))
        {
            return MessageError.ConversationNotFound;
        }

        if (!ConversationIds.TryReadSeq(_id, messageId, out var seq) || seq > _lastSeq || !_membership.CanSee(userId, seq))
        {
            return MessageError.MessageNotFound;
        }

        var hidden = await HiddenOf(userId);
        await groupStore.HideAsync(_id, userId, seq);
        hidden.Add(seq);
        _ = UserGroups(userId).OnGroupActivity(ActivityFor(userId, null), null);
        return MessageError.None;
    }

    public Task<bool> Typing(string userId)
    {
        if (!_membership.IsMember(userId))
        {
            return Task.FromResult(false);
        }

        var now = time.GetUtcNow();
        if (!_lastTyping.TryGetValue(userId, out var last) || now - last >= TypingInterval)
        {
            _lastTyping[userId] = now;
            var typing = new TypingEvent(_id, userId);
            foreach (var member in _membership.MemberIds.Where(member => member != userId))
            {
                _ = User(member).DeliverEvent(typing);
            }
        }

        return Task.FromResult(true);
    }

    public Task<GroupActivity?> GetActivity(string userId) =>
        Task.FromResult(_membership.WasEverMember(userId) ? ActivityFor(userId, null) : null);

    /// <summary>Commits a change every member hears of, and keeps the snapshot.</summary>
    private async Task ChangeAsync(GroupChange change)
    {
        var message = await CommitAsync(change);
        await SnapshotAsync();
        Announce(message);
    }

    /// <summary>Stores the change as the next system message, then applies it.</summary>
    private async Task<GroupMessage> CommitAsync(GroupChange change)
    {
        var stored = await AppendAsync(change.ActorId, GroupChangeCodec.SystemRecipient, GroupChangeCodec.Encode(change), clientMessageId: null);
        _membership.Apply(change, stored.Seq, stored.CreatedAt);
        return GroupChangeCodec.ToMessage(stored);
    }

    private async Task<StoredMessage> AppendAsync(string senderId, string recipientId, string content, string? clientMessageId)
    {
        var stored = new StoredMessage(_id, _lastSeq + 1, senderId, recipientId, content, StorableNow(), IsGreeting: false, clientMessageId);
        _lastSeq = stored.Seq;
        try
        {
            await store.AppendAsync(stored);
        }
        catch
        {
            _broken = true;
            DeactivateOnIdle();
            throw;
        }

        _window.Append(stored);
        return stored;
    }

    /// <summary>Applies the system messages stored after the snapshot (it is written after each change, and may have missed some).</summary>
    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var joined = new HashSet<string>(StringComparer.Ordinal);
        var after = state.State.AppliedSeq;
        while (true)
        {
            var page = await store.ReadPageAsync(_id, beforeSeq: null, after, StoreChunk, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var message in page.Where(GroupChangeCodec.IsSystem))
            {
                var change = GroupChangeCodec.Decode(message.Content);
                _membership.Apply(change, message.Seq, message.CreatedAt);
                if (change.Type is GroupChangeTypes.Created or GroupChangeTypes.MemberAdded)
                {
                    joined.UnionWith(change.UserIds);
                }
            }

            after = page[^1].Seq;
        }

        // The members' group lists may have missed these joins too (Joined is idempotent).
        await RecordJoinedAsync(joined);
        await SnapshotAsync();
    }

    private async Task RecordJoinedAsync(IEnumerable<string> userIds)
    {
        try
        {
            await Task.WhenAll(userIds.Select(userId => UserGroups(userId).Joined(_id)));
        }
        catch (Exception exception)
        {
            // The membership is stored (the system message) and the group answers the member;
            // only their list misses the group until the next message reaches it.
            LogJoinNotRecorded(logger, exception, _id);
        }
    }

    private async Task SnapshotAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // Not lost: the system messages after the last snapshot are replayed on activation.
            LogSnapshotFailed(logger, exception, _id);
        }
    }

    /// <summary>Tells every member (and <paramref name="alsoTo"/>, a member who just left) of a new message, one-way.</summary>
    private void Announce(GroupMessage message, string? alsoTo = null)
    {
        var userEvent = new GroupMessageEvent(message);
        foreach (var memberId in _membership.MemberIds)
        {
            _ = UserGroups(memberId).OnGroupActivity(ActivityFor(memberId, message), userEvent);
        }

        if (alsoTo is not null && !_membership.IsMember(alsoTo))
        {
            _ = UserGroups(alsoTo).OnGroupActivity(ActivityFor(alsoTo, message), userEvent);
        }
    }

    /// <summary>Sends the read cursors that moved since the last tick to every member, in one event each.</summary>
    private Task FlushReads(CancellationToken cancellationToken)
    {
        if (_movedCursors.Count == 0)
        {
            _readFlush?.Dispose();
            _readFlush = null;
            return Task.CompletedTask;
        }

        var readers = _movedCursors.Where(_membership.IsMember).Select(userId => new ReadCursor(userId, EffectiveReadSeq(userId))).ToList();
        _movedCursors.Clear();
        var moved = new GroupReadEvent(_id, readers);
        foreach (var memberId in _membership.MemberIds)
        {
            _ = User(memberId).DeliverEvent(moved);
        }

        return Task.CompletedTask;
    }

    /// <summary>The group's entry in <paramref name="userId"/>'s list; <paramref name="latest"/> is the message just sent, when there is one.</summary>
    private GroupActivity ActivityFor(string userId, GroupMessage? latest)
    {
        var lastSeq = _membership.LastVisibleSeq(userId, _lastSeq);
        var last = latest is not null && latest.Seq <= lastSeq ? latest : LastVisibleTo(userId, lastSeq);
        var activity = new ConversationActivity(
            _id, _id, lastSeq, EffectiveReadSeq(userId), _ownSeqs.GetValueOrDefault(userId),
            last is null ? null : GroupChangeCodec.ToContractMessage(last),
            last?.CreatedAt ?? state.State.CreatedAt);
        return new GroupActivity(activity, _membership.Name, _membership.Count, _membership.IsMember(userId));
    }

    private GroupMessage? LastVisibleTo(string userId, long lastSeq)
    {
        var hidden = _hidden.GetValueOrDefault(userId);
        var recent = _window.Before(lastSeq + 1, WindowSize) ?? [];
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            if (_membership.CanSee(userId, recent[i].Seq) && hidden?.Contains(recent[i].Seq) != true)
            {
                return GroupChangeCodec.ToMessage(recent[i]);
            }
        }

        return null;
    }

    /// <summary>Read up to here: the stored cursor, but never before the member's own last message or their join.</summary>
    private long EffectiveReadSeq(string userId)
    {
        var joined = _membership.SpansOf(userId) is { Count: > 0 } spans ? spans[^1].From : 0;
        return Math.Max(Math.Max(_cursors.GetValueOrDefault(userId), _ownSeqs.GetValueOrDefault(userId)), joined);
    }

    private List<ReadCursor> ReadBy() =>
        _membership.MemberIds.Select(userId => new ReadCursor(userId, Math.Min(EffectiveReadSeq(userId), _lastSeq))).ToList();

    private GroupResult Ok()
    {
        var members = _membership.MemberIds
            .Select(userId => (UserId: userId, Member: _membership.Member(userId)!))
            .OrderBy(member => member.Member.JoinOrder)
            .Select(member => new GroupMemberView(member.UserId, member.Member.Role, member.Member.JoinedSeq, Math.Min(EffectiveReadSeq(member.UserId), _lastSeq)))
            .ToList();
        return new GroupResult(GroupError.None, new GroupView(_id, _membership.Name, _membership.OwnerId, members, _lastSeq, state.State.CreatedAt));
    }

    private static GroupError RelationshipError(PeerView view) =>
        view.IsBlockedEitherWay ? GroupError.Blocked
        : view.Status != PeerStatus.Friends ? GroupError.NotFriends
        : GroupError.None;

    private async Task<HashSet<long>> HiddenOf(string userId)
    {
        if (!_hidden.TryGetValue(userId, out var hidden))
        {
            hidden = [.. await groupStore.LoadHiddenAsync(_id, userId)];
            _hidden.TryAdd(userId, hidden);
            hidden = _hidden[userId];
        }

        return hidden;
    }

    private void ThrowIfBroken()
    {
        if (_broken)
        {
            throw new InvalidOperationException($"Group {_id} is reloading after a failed write; retry.");
        }
    }

    private IUserGroupsGrain UserGroups(string userId)
    {
        if (!_userGroups.TryGetValue(userId, out var grain))
        {
            grain = GrainFactory.GetUserGroups(userId);
            _userGroups[userId] = grain;
        }

        return grain;
    }

    private IUserGrain User(string userId)
    {
        if (!_users.TryGetValue(userId, out var grain))
        {
            grain = GrainFactory.GetUser(userId);
            _users[userId] = grain;
        }

        return grain;
    }

    /// <summary>Now, as the database keeps it (whole microseconds).</summary>
    private DateTimeOffset StorableNow()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMicrosecond));
    }

    private async Task<IReadOnlyList<StoredMessage>> ReadBefore(long beforeSeq) =>
        beforeSeq <= 1 ? [] : _window.Before(beforeSeq, StoreChunk) ?? await store.ReadPageAsync(_id, beforeSeq, null, StoreChunk);

    private async Task<IReadOnlyList<StoredMessage>> ReadAfter(long afterSeq) =>
        afterSeq >= _lastSeq ? [] : _window.After(afterSeq, StoreChunk) ?? await store.ReadPageAsync(_id, null, afterSeq, StoreChunk);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {GroupId}: a member's group list was not updated")]
    private static partial void LogJoinNotRecorded(ILogger logger, Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {GroupId}: the membership snapshot was not written; the next activation replays the system messages")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string groupId);
}
