using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Cluster.Tests;

/// <summary>A hub connection's state changes, each with the cluster clock's time, and when it first came back after a loss.</summary>
internal sealed class ConnectionLog
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly Stopwatch _clock;

    public ConnectionLog(HubConnection connection, Stopwatch clock)
    {
        _clock = clock;
        connection.Reconnecting += error =>
        {
            Note($"reconnecting ({error?.GetType().Name ?? "no error"})");
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            Note("reconnected");
            ReconnectedAt ??= clock.Elapsed;
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            Note($"closed ({error?.GetType().Name ?? "no error"})");
            return Task.CompletedTask;
        };
    }

    /// <summary>State changes, each with the clock's time.</summary>
    public IReadOnlyCollection<string> Events => _events;

    /// <summary>When the connection first came back after a loss (clock time).</summary>
    public TimeSpan? ReconnectedAt { get; private set; }

    public void Note(string what) => _events.Enqueue($"{_clock.Elapsed.TotalSeconds:F2}s {what}");
}
