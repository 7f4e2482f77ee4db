using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Social.Grains;
using Social.Grains.Messages;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Modes;

public sealed record FirstMessagesOptions(int Pairs, int Concurrency, int Rounds);

/// <summary>One round: every conversation sent one message, <see cref="FirstMessagesOptions.Concurrency"/> at a time.</summary>
public sealed record MessageRound(
    string Name,
    int Messages,
    double Seconds,
    LatencySummary SendLatency,
    long Transactions,
    long WalSyncs,
    SortedDictionary<string, LatencySummary> StoreCalls,
    SortedDictionary<string, int> Errors)
{
    public override string ToString() => FormattableString.Invariant(
        $"{Messages} in {Seconds:0.00} s; send p50/p95/p99/max {SendLatency.P50:0.0} / {SendLatency.P95:0.0} / {SendLatency.P99:0.0} / {SendLatency.Max:0} ms; ")
        + FormattableString.Invariant($"{Transactions} transactions ({(double)Transactions / Math.Max(1, Messages):0.00} per message), {WalSyncs} WAL fsyncs; store calls: ")
        + string.Join(", ", StoreCalls.Select(c => FormattableString.Invariant($"{c.Key} x{c.Value.Count} p50 {c.Value.P50:0.0} / max {c.Value.Max:0} ms")))
        + (Errors.Count == 0 ? "" : "; errors: " + string.Join(", ", Errors.Select(e => $"{e.Key} x{e.Value}")));
}

public sealed record FirstMessagesResult(SetupPhase Pairing, IReadOnlyList<MessageRound> Rounds);

/// <summary>
/// What the first message of a conversation costs against a later one, straight through the
/// grains: <c>--pairs</c> new friend pairs, then round after round in which every conversation
/// sends one message (the first round is every conversation's first message, as on a fresh
/// server under load). Per round: the send latency, PostgreSQL's transactions and WAL fsyncs, and
/// the time of each message-store call the grains made (timed around the real store).
/// </summary>
public static class FirstMessagesLoad
{
    public static async Task<FirstMessagesResult> RunAsync(FirstMessagesOptions options, string connectionString, CancellationToken cancellationToken)
    {
        var timings = new StoreCallTimings();
        await using var silo = await InProcessSilo.StartAsync(connectionString, cancellationToken, services => TimedMessageStore.Register(services, timings));
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var tag = RunTag.New();
        var pairs = Enumerable.Range(0, options.Pairs).Select(i => ($"{tag}-{i}-a", $"{tag}-{i}-b")).ToArray();

        Progress.Say($"Making {pairs.Length} friend pairs through IFriendshipGrain...");
        var pairing = await SocialApi.RunAsync("pair", pairs.Length, 64, (i, _) => GrainsLoad.BefriendAsync(grains, pairs[i].Item1, pairs[i].Item2), cancellationToken);
        SetupPhase.RequireAll(pairing, "pairing");

        var rounds = new List<MessageRound>();
        for (var round = 0; round < options.Rounds; round++)
        {
            var name = round == 0 ? "first message" : $"message {round + 1}";
            Progress.Say($"Round '{name}': {pairs.Length} conversations, {options.Concurrency} at a time...");
            rounds.Add(await RoundAsync(name, options.Concurrency, pairs, round, grains, timings, connectionString, cancellationToken));
            Progress.Say("  " + rounds[^1]);
        }

        return new FirstMessagesResult(pairing, rounds);
    }

    private static async Task<MessageRound> RoundAsync(
        string name, int concurrency, (string A, string B)[] pairs, int round, IGrainFactory grains, StoreCallTimings timings,
        string connectionString, CancellationToken cancellationToken)
    {
        var (transactionsBefore, syncsBefore) = await CountersAsync(connectionString, cancellationToken);
        timings.Reset();
        var latencies = new LatencyRecorder();
        var errors = new ErrorCounter();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (pair, _) =>
        {
            var (from, to) = round % 2 == 0 ? (pair.A, pair.B) : (pair.B, pair.A);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = await grains.GetDirectConversation(from, to)
                    .Send(new SendMessageCommand(from, to, "first-messages load", $"r{round.ToString(CultureInfo.InvariantCulture)}"));
                if (result.Message is null)
                {
                    errors.Add($"send: {result.Error}");
                }
                else
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                errors.Add("send", exception);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var calls = timings.Summarize();

        // PostgreSQL publishes other backends' counters once they go idle (within about a second).
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (transactionsAfter, syncsAfter) = await CountersAsync(connectionString, cancellationToken);
        var latency = latencies.Summarize();
        return new MessageRound(name, latency.Count, Math.Round(seconds, 2), latency,
            transactionsAfter - transactionsBefore, syncsAfter - syncsBefore, calls, errors.Snapshot());
    }

    /// <summary>Committed transactions (reads count too) and WAL fsyncs (what a write commit waits for) so far.</summary>
    private static async Task<(long Transactions, long WalSyncs)> CountersAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                   (SELECT wal_sync FROM pg_stat_wal)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
