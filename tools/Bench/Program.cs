using System.Globalization;
using System.Runtime.InteropServices;
using Social.Bench;

// The friend-system benchmark (issue 2): friend request + accept pairs per second through the
// grains on PostgreSQL, or through HTTP. Prints figures; there is no pass or fail. BENCHMARKS.md
// holds the commands and the figures measured so far.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args is [] or ["-h" or "--help"])
{
    Console.WriteLine(BenchOptions.Usage);
    return args.Length == 0 ? 1 : 0;
}

if (BenchOptions.Parse(args, out var error) is not { } options)
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 1;
}

// Every run ends by itself: the whole run (PostgreSQL, silo or front end, load) is bounded by --timeout.
using var cancellation = new CancellationTokenSource(options.Timeout);
// Ctrl+C and SIGTERM cancel the run instead of ending the process, so that the front end child
// process and the silo are stopped on the way out.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

var progress = Console.Error;
var startedAt = DateTimeOffset.UtcNow;
try
{
    progress.WriteLine(options.Postgres is null ? "Starting a throwaway PostgreSQL..." : "Connecting to PostgreSQL...");
    await using var database = await BenchDatabase.OpenAsync(options.Postgres, cancellation.Token);

    var measurement = options.Mode switch
    {
        BenchMode.Grains => await GrainsBenchmark.RunAsync(options, database, progress, cancellation.Token),
        _ => await HttpBenchmark.RunAsync(options, database, progress, cancellation.Token),
    };

    var result = new BenchResult(options.Mode.ToString().ToLowerInvariant(), startedAt, options.Pairs, options.WarmupPairs,
        options.Concurrency, MachineFacts.Current(), database.Facts, database.IsThrowaway, measurement);
    result.Print(Console.Out);
    if (options.JsonPath is { } jsonPath)
    {
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await result.WriteJsonAsync(jsonPath, writing.Token);
        progress.WriteLine($"Wrote {Path.GetFullPath(jsonPath)}");
    }

    return measurement.Friends.StoppedByTimeout ? 2 : 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    await progress.WriteLineAsync($"Stopped: the run did not finish within {options.Timeout} (or was interrupted).");
    return 2;
}
catch (Exception exception)
{
    await progress.WriteLineAsync($"The benchmark failed: {exception}");
    return 1;
}
