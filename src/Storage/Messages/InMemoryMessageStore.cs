namespace Social.Storage.Messages;

/// <summary>
/// The message store of the single-process development server: the rules of
/// <see cref="PostgresMessageStore"/> (the unique seq, client message id and greeting per sender,
/// the failure rule of <see cref="MessageAppendException"/>, microsecond UTC times), kept in
/// memory, lost on restart. Thread-safe; appends are stored at once, not batched.
/// </summary>
public sealed class InMemoryMessageStore : IMessageStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _conversationsByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DateTimeOffset>> _greetingTimesBySender = new(StringComparer.Ordinal);

    // Conversations whose last append failed: they take no appends until loaded again.
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    public Task EnsureConversationAsync(
        string conversationId, IReadOnlyList<string> memberIds, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(memberIds);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            var conversation = GetOrAdd(conversationId);
            conversation.Exists = true;
            foreach (var memberId in memberIds)
            {
                if (conversation.ReadSeqs.TryAdd(memberId, 0))
                {
                    if (!_conversationsByUser.TryGetValue(memberId, out var ids))
                    {
                        _conversationsByUser[memberId] = ids = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    ids.Add(conversationId);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<ConversationSnapshot?> LoadConversationAsync(
        string conversationId, int recentCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            _refused.Remove(conversationId);
            if (!_conversations.TryGetValue(conversationId, out var conversation) || !conversation.Exists)
            {
                return Task.FromResult<ConversationSnapshot?>(null);
            }

            var messages = conversation.Messages;
            var members = conversation.ReadSeqs
                .Select(m => new ConversationMember(m.Key, m.Value, conversation.LastOwnSeqs.GetValueOrDefault(m.Key)))
                .ToList();
            var recentLength = Math.Min(Math.Max(recentCount, 0), messages.Count);
            var recent = messages.GetRange(messages.Count - recentLength, recentLength);

            return Task.FromResult<ConversationSnapshot?>(new ConversationSnapshot(
                conversationId, members, LastSeq(conversation), recent, [.. conversation.GreetingSenders]));
        }
    }

    public Task AppendAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        message = message with { CreatedAt = Normalize(message.CreatedAt) };
        lock (_gate)
        {
            if (_refused.Contains(message.ConversationId))
            {
                return Task.FromException(MessageAppendException.Refused(message));
            }

            // Like PostgreSQL, which has no foreign key from messages to conversations, this does
            // not require EnsureConversationAsync first.
            var conversation = GetOrAdd(message.ConversationId);
            var rejection = Reject(conversation, message);
            if (rejection is not null)
            {
                _refused.Add(message.ConversationId);
                return Task.FromException(MessageAppendException.Failed(message, new InvalidOperationException(rejection)));
            }

            var messages = conversation.Messages;
            messages.Insert(IndexAbove(messages, message.Seq - 1), message);
            conversation.LastOwnSeqs[message.SenderId] = Math.Max(conversation.LastOwnSeqs.GetValueOrDefault(message.SenderId), message.Seq);
            if (message.ClientMessageId is { } clientMessageId)
            {
                conversation.ClientIds[(message.SenderId, clientMessageId)] = message.Seq;
            }

            if (message.IsGreeting)
            {
                conversation.GreetingSenders.Add(message.SenderId);
                if (!_greetingTimesBySender.TryGetValue(message.SenderId, out var times))
                {
                    _greetingTimesBySender[message.SenderId] = times = [];
                }

                times.Add(message.CreatedAt);
            }
        }

        return Task.CompletedTask;
    }

    public Task AppendCreatingAsync(StoredMessage message, NewConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.ConversationId != message.ConversationId)
        {
            throw new ArgumentException("The message belongs to another conversation.", nameof(conversation));
        }

        // All or none, as in one PostgreSQL transaction: the conversation is created only with
        // its message (the lock is reentrant; a refused append throws before anything changed).
        lock (_gate)
        {
            var appended = AppendAsync(message, cancellationToken);
            if (appended.IsCompletedSuccessfully)
            {
                EnsureConversationAsync(conversation.ConversationId, conversation.MemberIds, conversation.CreatedAt, cancellationToken);
            }

            return appended;
        }
    }

    public Task<StoredMessage?> FindByClientMessageIdAsync(
        string conversationId, string senderId, string clientMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(senderId);
        ArgumentNullException.ThrowIfNull(clientMessageId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var conversation)
                || !conversation.ClientIds.TryGetValue((senderId, clientMessageId), out var seq))
            {
                return Task.FromResult<StoredMessage?>(null);
            }

            var messages = conversation.Messages;
            return Task.FromResult<StoredMessage?>(messages[IndexAbove(messages, seq - 1)]);
        }
    }

    public Task<IReadOnlyList<StoredMessage>> ReadPageAsync(
        string conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (limit <= 0 || !_conversations.TryGetValue(conversationId, out var conversation))
            {
                return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            var messages = conversation.Messages;
            var end = beforeSeq is { } before ? IndexAbove(messages, before - 1) : messages.Count; // first index not below beforeSeq
            int start;
            if (afterSeq is { } after)
            {
                // With both bounds, the oldest messages between them (the catch-up direction wins).
                start = IndexAbove(messages, after);
                end = Math.Min(end, start + limit);
            }
            else
            {
                start = Math.Max(end - limit, 0);
            }

            return Task.FromResult<IReadOnlyList<StoredMessage>>(start < end ? messages.GetRange(start, end - start) : []);
        }
    }

    public Task SetReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (_conversations.TryGetValue(conversationId, out var conversation)
                && conversation.ReadSeqs.TryGetValue(userId, out var current) && current < seq)
            {
                conversation.ReadSeqs[userId] = seq;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> HideAsync(string conversationId, long seq, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var conversation))
            {
                return Task.FromResult(false);
            }

            var messages = conversation.Messages;
            var index = IndexAbove(messages, seq - 1);
            if (index == messages.Count || messages[index].Seq != seq)
            {
                return Task.FromResult(false);
            }

            var message = messages[index];
            if (message.SenderId != userId && message.RecipientId != userId)
            {
                return Task.FromResult(false);
            }

            messages[index] = message with
            {
                HiddenBySender = message.HiddenBySender || message.SenderId == userId,
                HiddenByRecipient = message.HiddenByRecipient || message.RecipientId == userId,
            };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<UserConversationRow>> LoadUserConversationsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (!_conversationsByUser.TryGetValue(userId, out var conversationIds))
            {
                return Task.FromResult<IReadOnlyList<UserConversationRow>>([]);
            }

            var rows = new List<UserConversationRow>(conversationIds.Count);
            foreach (var conversationId in conversationIds)
            {
                var conversation = _conversations[conversationId];
                rows.Add(new UserConversationRow(
                    conversationId,
                    [.. conversation.ReadSeqs.Keys],
                    LastSeq(conversation),
                    conversation.ReadSeqs[userId],
                    conversation.LastOwnSeqs.GetValueOrDefault(userId),
                    conversation.Messages.LastOrDefault(m => !m.IsHiddenFor(userId))));
            }

            return Task.FromResult<IReadOnlyList<UserConversationRow>>(rows);
        }
    }

    public Task<IReadOnlyList<DateTimeOffset>> LoadGreetingTimesAsync(
        string senderId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            var from = Normalize(since);
            IReadOnlyList<DateTimeOffset> times = _greetingTimesBySender.TryGetValue(senderId, out var all)
                ? [.. all.Where(t => t >= from).Order()]
                : [];
            return Task.FromResult(times);
        }
    }

    /// <summary>Why PostgreSQL would reject <paramref name="message"/> (see 005_messages.sql), or null.</summary>
    private static string? Reject(Conversation conversation, StoredMessage message)
    {
        var index = IndexAbove(conversation.Messages, message.Seq - 1);
        if (index < conversation.Messages.Count && conversation.Messages[index].Seq == message.Seq)
        {
            return $"Seq {message.Seq} is already stored.";
        }

        if (message.ClientMessageId is { } clientMessageId && conversation.ClientIds.ContainsKey((message.SenderId, clientMessageId)))
        {
            return $"Client message id {clientMessageId} of {message.SenderId} is already stored.";
        }

        if (message.IsGreeting && conversation.GreetingSenders.Contains(message.SenderId))
        {
            return $"{message.SenderId} has already sent a greeting in this conversation.";
        }

        return null;
    }

    private Conversation GetOrAdd(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var conversation))
        {
            _conversations[conversationId] = conversation = new Conversation();
        }

        return conversation;
    }

    private static long LastSeq(Conversation conversation) =>
        conversation.Messages.Count == 0 ? 0 : conversation.Messages[^1].Seq;

    /// <summary>The index of the first message whose seq is above <paramref name="seq"/>.</summary>
    private static int IndexAbove(List<StoredMessage> messages, long seq)
    {
        int low = 0, high = messages.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (messages[middle].Seq <= seq)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>What PostgreSQL keeps of a time: UTC, whole microseconds.</summary>
    private static DateTimeOffset Normalize(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private sealed class Conversation
    {
        /// <summary>EnsureConversationAsync has run (messages may arrive before, as in PostgreSQL).</summary>
        public bool Exists { get; set; }

        /// <summary>Members and their read cursors, in ordinal order of user id.</summary>
        public SortedDictionary<string, long> ReadSeqs { get; } = new(StringComparer.Ordinal);

        /// <summary>Ascending seq.</summary>
        public List<StoredMessage> Messages { get; } = [];

        public Dictionary<string, long> LastOwnSeqs { get; } = new(StringComparer.Ordinal);

        /// <summary>Seq by sender and client message id.</summary>
        public Dictionary<(string SenderId, string ClientMessageId), long> ClientIds { get; } = [];

        public SortedSet<string> GreetingSenders { get; } = new(StringComparer.Ordinal);
    }
}
