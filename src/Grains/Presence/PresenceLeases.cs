namespace Social.Grains.Presence;

/// <summary>
/// The fronts' reports of one user's connections, each held for a lease: the user is online
/// while any front reports an active connection, away while connections remain but none is
/// active, offline when no front holds one (it reported zero, or stopped renewing). Plain
/// code with the clock passed in, so the rules run without a cluster.
/// </summary>
public sealed class PresenceLeases
{
    private readonly Dictionary<string, FrontShare> _fronts = new(StringComparer.Ordinal);

    /// <summary>Whether any front's report is still held (a zero report is held too, to order late ones).</summary>
    public bool IsEmpty => _fronts.Count == 0;

    public PresenceStatus Status
    {
        get
        {
            var connected = false;
            foreach (var share in _fronts.Values)
            {
                if (share.Active > 0)
                {
                    return PresenceStatus.Online;
                }

                connected |= share.Connections > 0;
            }

            return connected ? PresenceStatus.Away : PresenceStatus.Offline;
        }
    }

    /// <summary>Takes a front's report; false when it is older than one already taken from that front.</summary>
    public bool Apply(string frontId, long seq, int connections, int activeConnections, DateTimeOffset now, TimeSpan lease)
    {
        if (_fronts.TryGetValue(frontId, out var existing) && seq <= existing.Seq)
        {
            return false;
        }

        connections = Math.Max(0, connections);
        _fronts[frontId] = new FrontShare(seq, connections, Math.Clamp(activeConnections, 0, connections), now, now + lease);
        return true;
    }

    /// <summary>
    /// Drops reports whose lease ran out. Returns the last time a dropped report with connections
    /// was renewed (the user was last known connected then), or null when none was dropped.
    /// </summary>
    public DateTimeOffset? Expire(DateTimeOffset now)
    {
        DateTimeOffset? lastConnected = null;
        foreach (var (frontId, share) in _fronts.Where(pair => pair.Value.ExpiresAt <= now).ToList())
        {
            _fronts.Remove(frontId);
            if (share.Connections > 0 && (lastConnected is null || share.RenewedAt > lastConnected))
            {
                lastConnected = share.RenewedAt;
            }
        }

        return lastConnected;
    }

    private sealed record FrontShare(long Seq, int Connections, int Active, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt);
}
