namespace Social.Bench;

/// <summary>What a benchmark measured: registrations (http only), the pairs, PostgreSQL commits and CPU during the pairs.</summary>
public sealed record Measurement(LoadResult? Registrations, LoadResult Friends, long Commits, CpuReport? Cpu)
{
    /// <summary>
    /// Warm-up, then the measured pairs between two settled readings of the database's commit
    /// counter, with the CPU meter running over the pairs only.
    /// </summary>
    /// <param name="warmupPair">Runs warm-up pair i (on users of its own).</param>
    /// <param name="pair">Runs measured pair i; null on success, else why it failed.</param>
    /// <param name="processes">This run's .NET processes, for the CPU breakdown.</param>
    public static async Task<Measurement> RunAsync(
        BenchOptions options,
        BenchDatabase database,
        Func<int, CancellationToken, Task<string?>> warmupPair,
        Func<int, CancellationToken, Task<string?>> pair,
        IReadOnlyDictionary<string, Func<TimeSpan>> processes,
        LoadResult? registrations,
        TextWriter progress,
        CancellationToken cancellationToken)
    {
        if (options.WarmupPairs > 0)
        {
            progress.WriteLine($"Warm-up: {options.WarmupPairs} pairs...");
            var warmup = await Load.RunAsync(options.WarmupPairs, options.Concurrency, warmupPair, cancellationToken);
            progress.WriteLine($"  {warmup.Succeeded} ok, {warmup.Failed} failed, {warmup.PerSecond:0.0} pairs/s");
            if (warmup.Succeeded == 0)
            {
                throw new InvalidOperationException(
                    $"Every warm-up pair failed ({string.Join(", ", warmup.Errors.Select(e => $"{e.Key} x{e.Value}"))}); not measuring.");
            }
        }

        progress.WriteLine($"Letting PostgreSQL statistics settle ({BenchDatabase.StatisticsSettleTime.TotalSeconds:0} s)...");
        var commitsBefore = await database.SettledCommitCountAsync(cancellationToken);

        if (options.QuietWait > TimeSpan.Zero && !await CpuMeter.WaitForQuietAsync(options.QuietWait, progress, cancellationToken))
        {
            progress.WriteLine("  still busy; measuring anyway (see \"other\" in the CPU figures).");
        }

        progress.WriteLine($"Measuring: {options.Pairs} pairs, {options.Concurrency} in flight...");
        var cpu = await CpuMeter.StartAsync(database, processes, cancellationToken);
        var friends = await Load.RunAsync(options.Pairs, options.Concurrency, pair, cancellationToken);

        // Not cancelled by the run's deadline, so that a run stopped by it still reports what it did
        // (bounded by the settle time and the command timeout).
        var cpuReport = await cpu.StopAsync(CancellationToken.None);
        progress.WriteLine($"Letting PostgreSQL statistics settle ({BenchDatabase.StatisticsSettleTime.TotalSeconds:0} s)...");
        var commitsAfter = await database.SettledCommitCountAsync(CancellationToken.None);
        return new Measurement(registrations, friends, commitsAfter - commitsBefore, cpuReport);
    }
}
