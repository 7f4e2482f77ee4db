using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Modes;

public sealed record GroupFanoutOptions(int Members, double Rate, TimeSpan Duration, TimeSpan Drain, int RegisterConcurrency, bool MessagePack);

public sealed record GroupFanoutResult(
    int Members,
    int Connected,
    double OfferedPerSecond,
    long Sent,
    long Acknowledged,
    LatencySummary SendLatency,
    long DeliveriesExpected,
    long DeliveriesReceived,
    double DeliveriesPerSecond,
    LatencySummary DeliveryLatency,
    SortedDictionary<string, int> Errors,
    SetupPhase Registration,
    SetupPhase Pairing);

/// <summary>
/// One group of <c>--members</c> users on the real WebFront, every member connected to the hub;
/// messages sent into the group at <c>--rate</c> per second through
/// <c>POST /api/groups/{id}/messages</c> by the members in turn. Measures the sender's
/// acknowledgement and, for every connected member, the time from the send to the
/// <c>new_message</c> arriving on its connection.
/// </summary>
public static class GroupFanoutLoad
{
    public static async Task<GroupFanoutResult> RunAsync(GroupFanoutOptions options, TargetServer server, CancellationToken cancellationToken)
    {
        var tag = RunTag.New();
        using var api = new SocialApi(server.BaseAddress);
        Progress.Say($"Registering {options.Members} users...");
        var (users, registration) = await api.RegisterAsync(tag, options.Members, options.RegisterConcurrency, cancellationToken);
        SetupPhase.RequireAll(registration, "registration");
        var owner = users[0];
        var pairs = users.Skip(1).Select(member => (owner, member)).ToArray();
        Progress.Say($"Making the owner friends with {pairs.Length} users...");
        var pairing = await api.PairAsync(pairs, 16, cancellationToken);
        SetupPhase.RequireAll(pairing, "pairing");

        var groupId = await api.CreateGroupAsync(owner, "load", [.. users.Skip(1).Select(u => u.UserId)], cancellationToken);
        Progress.Say($"Group {groupId} with {users.Length} members; connecting every member...");

        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var deliveries = new LatencyRecorder();
        long received = 0;
        var connections = new List<HubConnection>();
        try
        {
            foreach (var chunk in users.Chunk(32))
            {
                await Task.WhenAll(chunk.Select(async user =>
                {
                    var connection = HubClient.Build(server.BaseAddress, user.AccessToken, options.MessagePack);
                    connection.On<MessageView>("new_message", message =>
                    {
                        if (message.ClientMessageId is { } id && started.TryGetValue(id, out var at))
                        {
                            deliveries.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                            Interlocked.Increment(ref received);
                        }
                    });
                    await connection.StartAsync(cancellationToken);
                    lock (connections)
                    {
                        connections.Add(connection);
                    }
                }));
            }

            var sends = new LatencyRecorder();
            var errors = new ErrorCounter();
            long sent = 0;
            long acknowledged = 0;
            var content = new string('x', 64);
            var interval = TimeSpan.FromSeconds(1 / options.Rate);
            var total = (long)(options.Rate * options.Duration.TotalSeconds);
            var clock = Stopwatch.StartNew();
            var inFlight = new List<Task>();
            Progress.Say(FormattableString.Invariant($"Sending {total} messages at {options.Rate}/s for {options.Duration.TotalSeconds:0} s..."));
            for (long n = 0; n < total; n++)
            {
                var due = interval * n;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }

                var sender = users[(int)(n % users.Length)];
                var clientId = $"{tag}.{n.ToString(CultureInfo.InvariantCulture)}";
                started[clientId] = Stopwatch.GetTimestamp();
                sent++;
                inFlight.Add(Task.Run(async () =>
                {
                    var at = Stopwatch.GetTimestamp();
                    var error = await SendAsync(api, sender, groupId, content, clientId, cancellationToken);
                    if (error is null)
                    {
                        sends.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                        Interlocked.Increment(ref acknowledged);
                    }
                    else
                    {
                        errors.Add(error);
                    }
                }, cancellationToken));
            }

            await Task.WhenAll(inFlight);
            var expected = acknowledged * connections.Count;
            var drainUntil = Stopwatch.GetTimestamp() + (long)(options.Drain.TotalSeconds * Stopwatch.Frequency);
            while (Interlocked.Read(ref received) < expected && Stopwatch.GetTimestamp() < drainUntil)
            {
                await Task.Delay(100, cancellationToken);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            return new GroupFanoutResult(
                users.Length, connections.Count, options.Rate, sent, acknowledged, sends.Summarize(), expected, Interlocked.Read(ref received),
                Math.Round(Interlocked.Read(ref received) / seconds, 1), deliveries.Summarize(), errors.Snapshot(), registration, pairing);
        }
        finally
        {
            await Task.WhenAll(connections.Select(connection => connection.DisposeAsync().AsTask()));
        }
    }

    private static async Task<string?> SendAsync(SocialApi api, SimulatedUser sender, string groupId, string content, string clientMessageId, CancellationToken cancellationToken)
    {
        try
        {
            return await api.SendGroupMessageAsync(sender, groupId, content, clientMessageId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"send: {ErrorCounter.Describe(exception)}";
        }
    }
}
