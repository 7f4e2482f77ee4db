using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Social.Storage.Messages;

namespace Social.LoadTest.Measuring;

/// <summary>How long each kind of message-store call took, per call (for the first-messages mode).</summary>
public sealed class StoreCallTimings
{
    private ConcurrentDictionary<string, LatencyRecorder> _calls = new(StringComparer.Ordinal);

    public void Reset() => _calls = new ConcurrentDictionary<string, LatencyRecorder>(StringComparer.Ordinal);

    public async Task<T> Time<T>(string call, Func<Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await run();
        }
        finally
        {
            _calls.GetOrAdd(call, _ => new LatencyRecorder()).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public Task Time(string call, Func<Task> run) => Time(call, async () =>
    {
        await run();
        return true;
    });

    public SortedDictionary<string, LatencySummary> Summarize() =>
        new(_calls.ToDictionary(c => c.Key, c => c.Value.Summarize(), StringComparer.Ordinal), StringComparer.Ordinal);
}

/// <summary>The real PostgreSQL message store with each call timed: measurement only, it changes nothing.</summary>
public sealed class TimedMessageStore(PostgresMessageStore store, StoreCallTimings timings) : IMessageStore
{
    /// <summary>Puts the timed store in place of the registered one.</summary>
    public static void Register(IServiceCollection services, StoreCallTimings timings)
    {
        services.TryAddSingleton<PostgresMessageStore>();
        services.Replace(ServiceDescriptor.Singleton<IMessageStore>(provider => new TimedMessageStore(provider.GetRequiredService<PostgresMessageStore>(), timings)));
    }

    // Not timed: it runs once, before any load.
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => store.WarmUpAsync(cancellationToken);

    public Task EnsureConversationAsync(string conversationId, IReadOnlyList<string> memberIds, DateTimeOffset createdAt, CancellationToken cancellationToken = default) =>
        timings.Time("create conversation", () => store.EnsureConversationAsync(conversationId, memberIds, createdAt, cancellationToken));

    public Task<ConversationSnapshot?> LoadConversationAsync(string conversationId, int recentCount, CancellationToken cancellationToken = default) =>
        timings.Time("load on activation", () => store.LoadConversationAsync(conversationId, recentCount, cancellationToken));

    public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string senderId, string clientMessageId, CancellationToken cancellationToken = default) =>
        timings.Time("find by client id", () => store.FindByClientMessageIdAsync(conversationId, senderId, clientMessageId, cancellationToken));

    public Task AppendAsync(StoredMessage message, CancellationToken cancellationToken = default) =>
        timings.Time("append (group commit)", () => store.AppendAsync(message, cancellationToken));

    public Task AppendCreatingAsync(StoredMessage message, NewConversation conversation, CancellationToken cancellationToken = default) =>
        timings.Time("append creating the conversation (group commit)", () => store.AppendCreatingAsync(message, conversation, cancellationToken));

    public Task<IReadOnlyList<StoredMessage>> ReadPageAsync(string conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default) =>
        timings.Time("read page", () => store.ReadPageAsync(conversationId, beforeSeq, afterSeq, limit, cancellationToken));

    public Task SetReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken = default) =>
        timings.Time("set read seq", () => store.SetReadSeqAsync(conversationId, userId, seq, cancellationToken));

    public Task<bool> HideAsync(string conversationId, long seq, string userId, CancellationToken cancellationToken = default) =>
        timings.Time("hide", () => store.HideAsync(conversationId, seq, userId, cancellationToken));

    public Task<IReadOnlyList<UserConversationRow>> LoadUserConversationsAsync(string userId, CancellationToken cancellationToken = default) =>
        timings.Time("load user conversations", () => store.LoadUserConversationsAsync(userId, cancellationToken));

    public Task<IReadOnlyList<DateTimeOffset>> LoadGreetingTimesAsync(string senderId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        timings.Time("load greeting times", () => store.LoadGreetingTimesAsync(senderId, since, cancellationToken));
}
