using Microsoft.Extensions.DependencyInjection;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.Testing.Hosting;

namespace Social.LoadTest.Modes;

public enum FriendsVia
{
    Grains,
    Http,
}

public sealed record FriendsOptions(FriendsVia Via, int Pairs, int Concurrency, int WarmupPairs, int RegisterConcurrency, TimeSpan QuietWait);

public sealed record FriendsResult(FriendsVia Via, SetupPhase? Registration, SetupPhase Warmup, SetupPhase Pairs, long? Commits, CpuUse Cpu)
{
    public double? CommitsPerPair => Commits is { } commits && Pairs.Succeeded > 0 ? Math.Round((double)commits / Pairs.Succeeded, 1) : null;
}

/// <summary>
/// The friend system's benchmark (issue 2): fresh users, request + accept per pair, a fixed number
/// of pairs in flight, through the grains (a silo in this process) or through the HTTP API of the
/// real WebFront. Both answers of a pair come after their state is stored.
/// </summary>
public static class FriendsLoad
{
    private static readonly TimeSpan StatisticsSettleTime = TimeSpan.FromSeconds(11);

    public static async Task<(FriendsResult Result, DatabaseFacts Database)> RunAsync(FriendsOptions options, ServerOptions server, CancellationToken cancellationToken)
    {
        if (options.Via == FriendsVia.Http)
        {
            await using var target = await TargetServer.StartAsync(server, cancellationToken);
            return (await OverHttpAsync(options, target, cancellationToken), target.Database);
        }

        await using var postgres = server.Postgres is null ? await StartPostgresAsync(server.NoFsync, cancellationToken) : null;
        var connectionString = server.Postgres ?? postgres!.ConnectionString;
        var database = await TargetServer.DatabaseFactsAsync(postgres is null ? "given (--postgres)" : "own server, temporary directory", connectionString, cancellationToken);
        await using var silo = await InProcessSilo.StartAsync(connectionString, cancellationToken);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var tag = RunTag.New();
        var result = await MeasureAsync(options, null, connectionString, serverPid: null,
            (phase, count, ct) => SocialApi.RunAsync(phase, count, options.Concurrency,
                (i, _) => GrainsLoad.BefriendAsync(grains, $"{tag}-{phase}{i}-a", $"{tag}-{phase}{i}-b"), ct),
            cancellationToken);
        return (result, database);
    }

    public static async Task<LocalPostgres> StartPostgresAsync(bool noFsync, CancellationToken cancellationToken)
    {
        Progress.Say(noFsync ? "Starting PostgreSQL (fsync OFF, not durable)..." : "Starting PostgreSQL (fsync on, synchronous_commit on)...");
        return await DurablePostgres.StartAsync(!noFsync, cancellationToken);
    }

    private static async Task<FriendsResult> OverHttpAsync(FriendsOptions options, TargetServer target, CancellationToken cancellationToken)
    {
        using var api = new SocialApi(target.BaseAddress);
        var tag = RunTag.New();
        var userCount = 2 * (options.WarmupPairs + options.Pairs);
        Progress.Say($"Registering {userCount} users ({options.RegisterConcurrency} in flight; the server hashes each password with PBKDF2)...");
        var (users, registration) = await api.RegisterAsync(tag, userCount, options.RegisterConcurrency, cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {registration.Succeeded} registered in {registration.Seconds:0.0} s = {registration.PerSecond:0.0}/s"));
        SetupPhase.RequireAll(registration, "registration");

        // The warm-up's pairs come first, the measured ones after: pair i is users 2i and 2i+1.
        var pairs = Enumerable.Range(0, users.Length / 2).Select(i => (users[2 * i], users[(2 * i) + 1])).ToArray();
        return await MeasureAsync(options, registration, target.ConnectionString, target.ProcessId,
            (phase, count, ct) => api.PairAsync(phase == "warm-up" ? pairs[..count] : pairs[options.WarmupPairs..], options.Concurrency, ct),
            cancellationToken);
    }

    /// <summary>Warm-up pairs, then the measured pairs between two settled readings of PostgreSQL's commit counter.</summary>
    private static async Task<FriendsResult> MeasureAsync(
        FriendsOptions options, SetupPhase? registration, string? connectionString, int? serverPid,
        Func<string, int, CancellationToken, Task<SetupPhase>> runPairs, CancellationToken cancellationToken)
    {
        Progress.Say($"Warm-up: {options.WarmupPairs} pairs...");
        var warmup = await runPairs("warm-up", options.WarmupPairs, cancellationToken);

        if (options.QuietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(serverPid, options.QuietWait, cancellationToken))
        {
            Progress.Say("  still not quiet; measuring anyway (see \"other\" in the CPU figures).");
        }

        long? commitsBefore = null;
        if (connectionString is not null)
        {
            // PostgreSQL publishes a backend's counters when it goes idle, at most once a second, and
            // an idle backend's pending ones after 10 s: wait that out on both sides of the measurement.
            await Task.Delay(StatisticsSettleTime, cancellationToken);
            commitsBefore = await PostgresCounters.CommitCountAsync(connectionString, cancellationToken);
        }

        Progress.Say($"Measuring: {options.Pairs} pairs, {options.Concurrency} in flight...");
        var cpu = CpuWindow.Start(serverPid);
        var measured = await runPairs("pair", options.Pairs, cancellationToken);
        var cpuUse = cpu.Stop();

        long? commits = null;
        if (connectionString is not null)
        {
            await Task.Delay(StatisticsSettleTime, cancellationToken);
            commits = await PostgresCounters.CommitCountAsync(connectionString, cancellationToken) - commitsBefore;
        }

        return new FriendsResult(options.Via, registration, warmup, measured, commits, cpuUse);
    }
}
