namespace Social.WebFront.Auth;

/// <summary>
/// The real-time connections on this front with the session version of the token each was opened
/// with, so that when a password change ends a user's older sessions (on any front: the user's
/// stream brings <c>SessionsEndedEvent</c>) their hub and WebSocket connections here are closed.
/// </summary>
public sealed class SessionConnections(SessionCheck sessions)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<Tracked>> _byUser = new(StringComparer.Ordinal);

    /// <summary>
    /// Tracks a connection until the returned handle is disposed; <paramref name="end"/> closes it.
    /// Call once the user's stream subscription is taken: a later change reaches it through the
    /// stream, and an earlier one is caught by the fresh check that follows (then it ends at once).
    /// </summary>
    public async Task<IDisposable> TrackAsync(string userId, System.Security.Claims.ClaimsPrincipal principal, Action end, CancellationToken cancellationToken)
    {
        var tracked = new Tracked(this, userId, SessionCheck.VersionOf(principal), end);
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var connections))
            {
                _byUser[userId] = connections = [];
            }

            connections.Add(tracked);
        }

        try
        {
            if (!await sessions.IsCurrentFreshAsync(principal, cancellationToken))
            {
                tracked.End();
            }
        }
        catch
        {
            tracked.Dispose(); // the connection is refused; it must not stay tracked
            throw;
        }

        return tracked;
    }

    /// <summary>Closes the user's connections here whose tokens predate <paramref name="version"/>.</summary>
    public void EndBefore(string userId, int version)
    {
        sessions.Remember(userId, version);
        List<Tracked> ending;
        lock (_gate)
        {
            ending = _byUser.TryGetValue(userId, out var connections) ? connections.Where(tracked => tracked.Version < version).ToList() : [];
        }

        foreach (var tracked in ending)
        {
            tracked.End();
        }
    }

    private void Forget(Tracked tracked)
    {
        lock (_gate)
        {
            if (_byUser.TryGetValue(tracked.UserId, out var connections) && connections.Remove(tracked) && connections.Count == 0)
            {
                _byUser.Remove(tracked.UserId);
            }
        }
    }

    private sealed class Tracked(SessionConnections owner, string userId, int version, Action end) : IDisposable
    {
        private int _ended;

        public string UserId => userId;

        public int Version => version;

        public void End()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                end();
            }
        }

        public void Dispose() => owner.Forget(this);
    }
}
