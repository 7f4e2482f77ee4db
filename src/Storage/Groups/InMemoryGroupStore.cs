using System.Collections.Concurrent;

namespace Social.Storage.Groups;

/// <summary>The embedded default's group store: nothing survives the process.</summary>
public sealed class InMemoryGroupStore : IGroupStore
{
    private readonly ConcurrentDictionary<(string Group, string User), long> _cursors = new();
    private readonly ConcurrentDictionary<(string Group, string User), ConcurrentDictionary<long, bool>> _hidden = new();

    public Task<IReadOnlyDictionary<string, long>> LoadReadSeqsAsync(string groupId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(_cursors
            .Where(pair => pair.Key.Group == groupId)
            .ToDictionary(pair => pair.Key.User, pair => pair.Value, StringComparer.Ordinal));

    public Task SetReadSeqAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        _cursors.AddOrUpdate((groupId, userId), seq, (_, known) => Math.Max(known, seq));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> LoadHiddenAsync(string groupId, string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<long>>(_hidden.TryGetValue((groupId, userId), out var seqs) ? seqs.Keys.Order().ToList() : []);

    public Task HideAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default)
    {
        _hidden.GetOrAdd((groupId, userId), _ => new ConcurrentDictionary<long, bool>())[seq] = true;
        return Task.CompletedTask;
    }
}
