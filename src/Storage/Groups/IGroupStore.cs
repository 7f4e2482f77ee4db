namespace Social.Storage.Groups;

/// <summary>
/// What a group keeps per member besides its messages (which are in the message store): read
/// cursors and "delete for me". The group grain is the only writer of its rows.
/// </summary>
public interface IGroupStore
{
    /// <summary>Every member's read cursor (members who never marked anything read are absent).</summary>
    Task<IReadOnlyDictionary<string, long>> LoadReadSeqsAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Raises a member's read cursor to <paramref name="seq"/> (never lowers it).</summary>
    Task SetReadSeqAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default);

    /// <summary>The seqs <paramref name="userId"/> hid in the group.</summary>
    Task<IReadOnlyList<long>> LoadHiddenAsync(string groupId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Hides one message for one member (idempotent).</summary>
    Task HideAsync(string groupId, string userId, long seq, CancellationToken cancellationToken = default);
}
