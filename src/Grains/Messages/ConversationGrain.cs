using Orleans.Concurrency;
using Social.Grains.Friends;
using Social.Grains.Realtime;
using Social.Grains.Telemetry;
using Social.Grains.Users;
using Social.Storage.Messages;

namespace Social.Grains.Messages;

/// <summary>
/// Validates, orders and stores one conversation's messages. Reentrant so that sends wait for
/// the silo's group commit together; everything between a send's last check and its seq
/// assignment runs without an await, which is what keeps seqs gap-free. State lives in the
/// message store, not in grain state: on activation the grain loads its members' cursors, the
/// last seq and a window of recent messages. A new conversation is stored with its first message,
/// in the same group commit (<see cref="IMessageStore.AppendCreatingAsync"/>).
/// </summary>
[Reentrant]
public sealed class ConversationGrain(IMessageStore store, TimeProvider time) : Grain, IConversationGrain, IIncomingGrainCallFilter
{
    private const int WindowSize = 200;
    private const int StoreChunk = 100;

    private readonly Dictionary<string, MemberCursor> _members = new(StringComparer.Ordinal);
    private readonly RecentWindow<HeldMessage> _window = new(WindowSize);
    private readonly GreetingLedger _greetings = new();
    private readonly ClientIdClaims _clientIds = new();
    private readonly SortedDictionary<long, Message> _inFlight = [];

    private readonly TypingThrottle _typing = new(time);
    private AbsenceCollector? _absence;

    // The members' user grains, called on every send: making a reference resolves the grain
    // interface by reflection each time.
    private readonly Dictionary<string, IUserGrain> _userGrains = new(StringComparer.Ordinal);

    private string _id = "";
    private long _lastAssignedSeq;
    private long _lastCommittedSeq;

    // The conversation's rows are stored (loaded on activation, or its first message committed);
    // until then every append carries them.
    private bool _stored;

    // Set when a write failed: seqs after it cannot commit, so the activation must reload.
    private bool _broken;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = GrainKeys.ConversationIdFromKey(this.GetPrimaryKeyString());
        var snapshot = await store.LoadConversationAsync(_id, WindowSize, cancellationToken);
        if (snapshot is null)
        {
            return;
        }

        _stored = true;
        foreach (var member in snapshot.Members)
        {
            _members[member.UserId] = new MemberCursor(member.LastReadSeq, member.LastOwnSeq);
        }

        _lastAssignedSeq = _lastCommittedSeq = snapshot.LastSeq;
        _window.Load(snapshot.Recent.Select(Held));
        _greetings.Load(snapshot.GreetingSenders);
    }

    /// <summary>
    /// A conversation that does not exist (a lookup of a random id, a refused first send) has
    /// nothing to remember: it does not keep an activation alive for long.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await GrainOutcomes.Invoke(context);
        (_absence ??= new AbsenceCollector(this, time)).CallEnded(exists: _members.Count > 0);
    }

    /// <summary>Check → admit → store → publish; a retry gets the first message back.</summary>
    public async Task<SendResult> Send(SendMessageCommand command)
    {
        if (_broken)
        {
            throw new InvalidOperationException($"Conversation {_id} is reloading after a failed write; retry.");
        }

        if (Check(command) is { } invalid)
        {
            return invalid;
        }

        if (RecentWithClientId(command) is { } recent)
        {
            return Duplicate(recent);
        }

        // Claim the client id (and the greeting) before the first await of the send itself, so
        // concurrent duplicates wait for this send instead of racing it.
        var claim = await _clientIds.ClaimAsync(command.SenderId, command.ClientMessageId);
        if (claim.Earlier is { } earlier)
        {
            return Duplicate(earlier);
        }

        if (command.IsGreeting && !_greetings.TryClaim(command.SenderId))
        {
            claim.Fail(new InvalidOperationException("Greeting already sent."));
            return await RepeatedGreeting(command);
        }

        try
        {
            if (await Admit(command) is { } refusal)
            {
                Abandon(command, claim, new InvalidOperationException(refusal.Error.ToString()));
                return refusal;
            }

            JoinMembers(command);
            var (message, duplicate) = await Store(command);
            NotifyMembers(new NewMessageEvent(message));
            claim.Succeed(message);
            if (duplicate)
            {
                return Duplicate(message);
            }

            if (command.IsGreeting)
            {
                _greetings.Stored(command.SenderId);
                await GrainFactory.GetFriendship(command.SenderId, command.RecipientId).FileGreetingRequest(command.SenderId);
            }

            return new SendResult(MessageError.None, message);
        }
        catch (Exception exception) when (!claim.IsSettled)
        {
            Abandon(command, claim, exception);
            throw;
        }
    }

    public async Task<HistoryPage?> GetHistory(string userId, long? beforeSeq, long? afterSeq, int limit)
    {
        if (!_members.ContainsKey(userId))
        {
            return null;
        }

        var ascending = afterSeq is not null;
        var visible = new List<HeldMessage>(limit + 1);
        var cursor = afterSeq ?? beforeSeq ?? _lastCommittedSeq + 1;
        while (visible.Count <= limit)
        {
            var chunk = ascending ? await ReadAfter(cursor) : await ReadBefore(cursor);
            if (chunk.Count == 0)
            {
                break;
            }

            var ordered = ascending ? chunk : chunk.Reverse();
            visible.AddRange(ordered.Where(message => !message.IsHiddenFor(userId)).Take(limit + 1 - visible.Count));
            cursor = ascending ? chunk[^1].Seq : chunk[0].Seq;
        }

        var hasMore = visible.Count > limit;
        var page = visible.Take(limit);
        var items = (ascending ? page : page.Reverse()).Select(held => held.Message).ToList();
        var readBy = _members.Select(member => new ReadCursor(member.Key, Math.Min(member.Value.EffectiveReadSeq, _lastCommittedSeq))).ToList();
        return new HistoryPage(items, hasMore, readBy);
    }

    public async Task<ReadState?> MarkRead(string userId, long? upToSeq)
    {
        if (!_members.TryGetValue(userId, out var member))
        {
            return null;
        }

        if (member.ReadTarget(upToSeq, _lastCommittedSeq) is { } target)
        {
            await store.SetReadSeqAsync(_id, userId, target);
            member.LastReadSeq = Math.Max(member.LastReadSeq, target);
            var receipt = new ReadReceiptEvent(_id, userId, member.LastReadSeq, time.GetUtcNow());
            Notify(userId, receipt);
            foreach (var other in _members.Keys.Where(other => other != userId))
            {
                _ = UserGrain(other).DeliverEvent(receipt);
            }
        }

        return new ReadState(_id, member.LastReadSeq, member.UnreadOf(_lastCommittedSeq));
    }

    public async Task<MessageError> Hide(string userId, string messageId)
    {
        if (!_members.ContainsKey(userId))
        {
            return MessageError.ConversationNotFound;
        }

        if (!ConversationIds.TryReadSeq(_id, messageId, out var seq) || seq > _lastCommittedSeq
            || !await store.HideAsync(_id, seq, userId))
        {
            return MessageError.MessageNotFound;
        }

        if (_window.Find(seq) is { } cached)
        {
            _window.Replace(userId == cached.Message.SenderId ? cached with { HiddenBySender = true } : cached with { HiddenByRecipient = true });
        }

        Notify(userId, userEvent: null);
        return MessageError.None;
    }

    public Task<bool> Typing(string userId)
    {
        if (!_members.ContainsKey(userId))
        {
            return Task.FromResult(false);
        }

        if (_typing.ShouldSend(userId))
        {
            var typing = new TypingEvent(_id, userId);
            foreach (var other in _members.Keys.Where(member => member != userId))
            {
                _ = UserGrain(other).DeliverEvent(typing);
            }
        }

        return Task.FromResult(true);
    }

    /// <summary>
    /// True when the two users are this conversation's members. Once the members are known that is
    /// a lookup; before, the pair's id is computed (a SHA-256).
    /// </summary>
    private bool IsThisConversation(string senderId, string recipientId) =>
        senderId != recipientId
        && ((_members.Count == 2 && _members.ContainsKey(senderId) && _members.ContainsKey(recipientId))
            || ConversationIds.Direct(senderId, recipientId) == _id);

    /// <summary>A member's user grain (callers have checked that <paramref name="userId"/> is one of the two).</summary>
    private IUserGrain UserGrain(string userId)
    {
        if (!_userGrains.TryGetValue(userId, out var grain))
        {
            grain = GrainFactory.GetUser(userId);
            _userGrains[userId] = grain;
        }

        return grain;
    }

    /// <summary>The checks this grain owns: the content rules and that the two users are this conversation's members.</summary>
    private SendResult? Check(SendMessageCommand command)
    {
        var contentError = MessageContent.Check(command.Content);
        if (contentError != MessageError.None)
        {
            return SendResult.Fail(contentError);
        }

        return IsThisConversation(command.SenderId, command.RecipientId) ? null : SendResult.Fail(MessageError.InvalidRecipient);
    }

    /// <summary>The message in the recent window that an earlier send with the command's client id stored.</summary>
    private Message? RecentWithClientId(SendMessageCommand command) =>
        command.ClientMessageId is { } clientId ? _window.FindByClientId(command.SenderId, clientId)?.Message : null;

    /// <summary>
    /// A greeting from a sender who has greeted (or is greeting) already. A retry of the stored one
    /// gets it back; otherwise it is refused, as "already friends" once the two are.
    /// </summary>
    private async Task<SendResult> RepeatedGreeting(SendMessageCommand command)
    {
        if (await FindStored(command) is { } earlier)
        {
            AnnounceAgain(earlier);
            return Duplicate(earlier);
        }

        if (SendRules.IsGreetingToFriend(await UserGrain(command.SenderId).GetRelationship(command.RecipientId)))
        {
            return SendResult.Fail(MessageError.AlreadyFriends);
        }

        // A retry after a stored greeting whose request was not filed completes the filing
        // (not while the first greeting is still in flight: it may yet be refused).
        if (_greetings.IsStored(command.SenderId))
        {
            await GrainFactory.GetFriendship(command.SenderId, command.RecipientId).FileGreetingRequest(command.SenderId);
        }

        return SendResult.Fail(MessageError.GreetingAlreadySent);
    }

    /// <summary>The send rules and rate limits, asked of the sender's grain that owns them (<see cref="SendRules"/>); null when admitted.</summary>
    private async Task<SendResult?> Admit(SendMessageCommand command)
    {
        var admission = await UserGrain(command.SenderId).AdmitSend(command.RecipientId, command.IsGreeting);
        return admission.IsAdmitted ? null : SendResult.Fail(admission.Error, admission.RetryAfter);
    }

    /// <summary>A refused or failed send frees its client id and its greeting for a later attempt.</summary>
    private void Abandon(SendMessageCommand command, ClientIdClaims.Claim claim, Exception reason)
    {
        if (command.IsGreeting)
        {
            _greetings.Release(command.SenderId);
        }

        claim.Fail(reason);
    }

    private static SendResult Duplicate(Message message) => new(MessageError.None, message, Duplicate: true);

    /// <summary>The first admitted send of a new conversation makes its two users its members (stored with that message).</summary>
    private void JoinMembers(SendMessageCommand command)
    {
        if (_members.Count == 0)
        {
            _members[command.SenderId] = new MemberCursor(0, 0);
            _members[command.RecipientId] = new MemberCursor(0, 0);
        }
    }

    /// <summary>
    /// Stores a new message. After a failed write the grain reloads, and a retry of a message older
    /// than the window, refused by the database's unique index, gets the first message back,
    /// marked as a duplicate.
    /// </summary>
    private async Task<(Message Message, bool Duplicate)> Store(SendMessageCommand command)
    {
        // No await between taking the seq and handing the row to the store: seqs reach the
        // group commit in order.
        var stored = new StoredMessage(
            _id, ++_lastAssignedSeq, MemberId(command.SenderId), MemberId(command.RecipientId), command.Content,
            StorableNow(), command.IsGreeting, command.ClientMessageId);
        var message = MessageMapping.ToMessage(stored);
        _inFlight[stored.Seq] = message;
        try
        {
            if (_stored)
            {
                await store.AppendAsync(stored);
            }
            else
            {
                // Sends that overlap the first one carry the creation too (it is idempotent); a
                // failed one fails the later ones queued behind it (the store's failure rule).
                await store.AppendCreatingAsync(stored, new NewConversation(_id, [.. _members.Keys], stored.CreatedAt));
                _stored = true;
            }
        }
        catch (Exception exception)
        {
            _inFlight.Remove(stored.Seq);
            _broken = true;
            DeactivateOnIdle();
            if (exception is MessageAppendException && await FindStored(command) is { } earlier)
            {
                return (earlier, true);
            }

            throw;
        }

        Committed(stored.Seq);
        _members[command.SenderId].LastOwnSeq = Math.Max(_members[command.SenderId].LastOwnSeq, stored.Seq);
        return (message, false);
    }

    /// <summary>
    /// The store commits a conversation's rows in seq order, so once <paramref name="seq"/> has
    /// committed, every earlier one has too: move them all into the window.
    /// </summary>
    private void Committed(long seq)
    {
        while (_inFlight.Count > 0 && _inFlight.First().Key <= seq)
        {
            var next = _inFlight.First().Value;
            _inFlight.Remove(next.Seq);
            _window.Append(new HeldMessage(next));
            _lastCommittedSeq = Math.Max(_lastCommittedSeq, next.Seq);
        }
    }

    /// <summary>
    /// Tells every member's user grain, which numbers and publishes <paramref name="userEvent"/> for
    /// its clients: for a message, the recipient and the sender's other tabs and devices.
    /// </summary>
    private void NotifyMembers(UserEvent userEvent)
    {
        foreach (var member in _members.Keys)
        {
            Notify(member, userEvent);
        }
    }

    /// <summary>
    /// Tells a member's user grain where the conversation stands for them (one-way, in memory
    /// there), with the event their clients should hear, if any.
    /// </summary>
    private void Notify(string userId, UserEvent? userEvent)
    {
        var member = _members[userId];
        var peer = _members.Keys.FirstOrDefault(other => other != userId) ?? userId;
        var lastVisible = _window.LastVisibleTo(userId);
        var activity = new ConversationActivity(
            _id, peer, _lastCommittedSeq, member.LastReadSeq, member.LastOwnSeq,
            lastVisible?.Message,
            _window.Last?.Message.CreatedAt ?? time.GetUtcNow());
        _ = UserGrain(userId).OnConversationActivity(activity, userEvent);
    }

    /// <summary>
    /// A retry answered from storage may follow an activation that died between storing the
    /// message and announcing it: announce it again (user grains drop a repeat they still hold).
    /// </summary>
    private void AnnounceAgain(Message message)
    {
        if (_members.Count > 0)
        {
            NotifyMembers(new NewMessageEvent(message));
        }
    }

    /// <summary>Now, as the database keeps it (whole microseconds), so a message reads the same from memory and from the store.</summary>
    private DateTimeOffset StorableNow()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMicrosecond));
    }


    private async Task<IReadOnlyList<HeldMessage>> ReadBefore(long beforeSeq) =>
        beforeSeq <= 1 ? [] : _window.Before(beforeSeq, StoreChunk) ?? HeldPage(await store.ReadPageAsync(_id, beforeSeq, null, StoreChunk));

    private async Task<IReadOnlyList<HeldMessage>> ReadAfter(long afterSeq) =>
        afterSeq >= _lastCommittedSeq ? []
            : TrimToCommitted(_window.After(afterSeq, StoreChunk) ?? HeldPage(await store.ReadPageAsync(_id, null, afterSeq, StoreChunk)));

    private List<HeldMessage> TrimToCommitted(IReadOnlyList<HeldMessage> messages) =>
        messages.Where(message => message.Seq <= _lastCommittedSeq).ToList();

    private static List<HeldMessage> HeldPage(IReadOnlyList<StoredMessage> page) => page.Select(HeldMessage.From).ToList();

    /// <summary>A stored message as the window keeps it, its ids shared with the members' (<see cref="MemberId"/>).</summary>
    private HeldMessage Held(StoredMessage stored) =>
        HeldMessage.From(stored with { SenderId = MemberId(stored.SenderId), RecipientId = MemberId(stored.RecipientId) });

    /// <summary>
    /// The member's id as the grain already holds it. Every message a request brings has its own
    /// copies of the ids; the messages kept for minutes (window, members' replay buffers) share one.
    /// </summary>
    private string MemberId(string userId)
    {
        foreach (var member in _members.Keys)
        {
            if (member == userId)
            {
                return member;
            }
        }

        return userId;
    }

    /// <summary>The stored message with the command's client id, when it is older than the window.</summary>
    private async Task<Message?> FindStored(SendMessageCommand command) =>
        command.ClientMessageId is { } clientMessageId
        && await store.FindByClientMessageIdAsync(_id, command.SenderId, clientMessageId) is { } stored
            ? MessageMapping.ToMessage(stored)
            : null;
}
