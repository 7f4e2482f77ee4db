using Microsoft.Extensions.Options;
using Social.Grains;
using Social.Grains.Presence;

namespace Social.WebFront.Presence;

/// <summary>
/// This front's share of presence: the open real-time connections of each user here and which
/// of them the client reported away, reported to the user's presence grain on every change and
/// renewed for all users every third of the lease. A front that dies stops renewing, so its
/// users go offline when the lease ends; a front that stops cleanly reports zero for everyone.
/// Reports are numbered so the grain ignores one that arrives after a newer one.
/// </summary>
public sealed partial class PresenceTracker(IClusterClient cluster, IOptions<PresenceOptions> options, ILogger<PresenceTracker> logger)
    : BackgroundService
{
    private readonly Dictionary<string, Dictionary<string, bool>> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _seq;

    /// <summary>This process's id in presence leases; a restarted front is a new one.</summary>
    public string FrontId { get; } = Guid.NewGuid().ToString("N");

    public Task ConnectedAsync(string userId, string connectionId) =>
        ChangeAsync(userId, connections => connections[connectionId] = false);

    public Task DisconnectedAsync(string userId, string connectionId) =>
        ChangeAsync(userId, connections => connections.Remove(connectionId));

    /// <summary>The client says the user is away (inactive) on this connection, or back.</summary>
    public Task SetAwayAsync(string userId, string connectionId, bool away) =>
        ChangeAsync(userId, connections =>
        {
            if (connections.ContainsKey(connectionId))
            {
                connections[connectionId] = away;
            }
        });

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A clean stop takes this front's users offline at once rather than at the lease's end.
        List<string> userIds;
        lock (_gate)
        {
            userIds = [.. _users.Keys];
            _users.Clear();
        }

        await Task.WhenAll(userIds.Select(userId => ReportAsync(userId, Interlocked.Increment(ref _seq), 0, 0)));
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<(string UserId, long Seq, int Connections, int Active)> reports;
            lock (_gate)
            {
                reports = [.. _users.Select(pair => (pair.Key, Interlocked.Increment(ref _seq), pair.Value.Count, pair.Value.Count(c => !c.Value)))];
            }

            foreach (var chunk in reports.Chunk(256))
            {
                await Task.WhenAll(chunk.Select(report => ReportAsync(report.UserId, report.Seq, report.Connections, report.Active)));
            }
        }
    }

    private Task ChangeAsync(string userId, Action<Dictionary<string, bool>> change)
    {
        long seq;
        int connections;
        int active;
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var userConnections))
            {
                userConnections = new Dictionary<string, bool>(StringComparer.Ordinal);
                _users[userId] = userConnections;
            }

            change(userConnections);
            connections = userConnections.Count;
            active = userConnections.Count(c => !c.Value);
            if (connections == 0)
            {
                _users.Remove(userId);
            }

            seq = Interlocked.Increment(ref _seq);
        }

        return ReportAsync(userId, seq, connections, active);
    }

    /// <summary>Never fails the caller: a lost report is sent again at the next renewal.</summary>
    private async Task ReportAsync(string userId, long seq, int connections, int active)
    {
        try
        {
            await cluster.GetPresence(userId).Report(FrontId, seq, connections, active);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ReportFailed(logger, userId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting the presence of {UserId} failed; the next renewal repeats it")]
    private static partial void ReportFailed(ILogger logger, string userId, Exception exception);
}
