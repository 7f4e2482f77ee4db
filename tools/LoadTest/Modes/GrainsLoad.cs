using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Social.Grains;
using Social.Grains.Friends;
using Social.Grains.Hosting;
using Social.Grains.Messages;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.Storage;

namespace Social.LoadTest.Modes;

public sealed record GrainsOptions(int Pairs, int Concurrency, double Rate, TimeSpan Duration, TimeSpan Warmup, int MessageSize, TimeSpan QuietWait);

public sealed record GrainsResult(
    SetupPhase Pairing,
    double Seconds,
    long Sent,
    long Stored,
    double StoredPerSecond,
    LatencySummary SendLatency,
    SortedDictionary<string, int> Errors,
    long? StoredInPostgres,
    long? PostgresCommits,
    CpuUse Cpu);

/// <summary>
/// Durable messages straight through the grains: a silo in this process on PostgreSQL (the
/// production hosting code, no front end, no connections), many conversations, concurrent
/// senders. A send is answered only once its message is committed, so every answered send is
/// a durable message.
/// </summary>
public static class GrainsLoad
{
    public static async Task<GrainsResult> RunAsync(GrainsOptions options, string connectionString, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = connectionString,
            ["Social:Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:FriendRequestsPerMinute"] = "1000000",
            ["Social:RateLimits:MessagesPerSecond"] = "1000000",
            ["Social:RateLimits:MessageBurst"] = "1000000",
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocialStorage(connectionString);
        builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));

        using var host = builder.Build();
        Progress.Say("Starting the silo (in this process)...");
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var tag = RunTag.New();
            var pairs = Enumerable.Range(0, options.Pairs).Select(i => ($"{tag}-{i}-a", $"{tag}-{i}-b")).ToArray();

            Progress.Say($"Making {pairs.Length} friend pairs through IFriendshipGrain...");
            var pairing = await SocialApi.RunAsync("pair", pairs.Length, 64, async (i, _) =>
            {
                var (a, b) = pairs[i];
                var pair = grains.GetFriendship(a, b);
                var request = await pair.Request(a);
                if (!request.Succeeded)
                {
                    return $"request: {request.Error}";
                }

                var accept = await pair.Accept(b);
                return accept is { Succeeded: true, Status: PeerStatus.Friends } ? null : $"accept: {accept.Error}";
            }, cancellationToken);
            Progress.Say(FormattableString.Invariant($"  {pairing.Succeeded} pairs in {pairing.Seconds:0.0} s"));

            var content = new string('x', options.MessageSize);
            if (options.Warmup > TimeSpan.Zero)
            {
                Progress.Say($"Warm-up {options.Warmup.TotalSeconds:0} s...");
                await DriveAsync(grains, pairs, options, content, tag + "w.", options.Warmup, new LatencyRecorder(), new ErrorCounter(), cancellationToken);
            }

            if (options.QuietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(null, options.QuietWait, cancellationToken))
            {
                Progress.Say("  still not quiet; measuring anyway (see \"other\" in the CPU figures).");
            }

            var commitsBefore = await CommitsAsync(connectionString, cancellationToken);
            var latencies = new LatencyRecorder();
            var errors = new ErrorCounter();
            var cpu = CpuWindow.Start(null);
            var (sent, seconds) = await DriveAsync(grains, pairs, options, content, tag + ".", options.Duration, latencies, errors, cancellationToken);
            var cpuUse = cpu.Stop();

            // PostgreSQL publishes a backend's counters when it goes idle, at most once a second, and
            // an idle backend's pending ones after 10 s: wait that out before reading them.
            await Task.Delay(TimeSpan.FromSeconds(11), cancellationToken);
            var commits = await CommitsAsync(connectionString, cancellationToken) - commitsBefore;
            var stored = await CountAsync(connectionString, tag + ".", cancellationToken);
            var latency = latencies.Summarize();
            return new GrainsResult(pairing, Math.Round(seconds, 2), sent, latency.Count, Math.Round(latency.Count / seconds, 1), latency,
                errors.Snapshot(), stored, commits, cpuUse);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await host.StopAsync(stopping.Token);
            }
            catch (Exception exception)
            {
                Progress.Say($"The silo did not stop cleanly: {exception.Message}");
            }
        }
    }

    /// <summary>
    /// Closed loop (<see cref="GrainsOptions.Concurrency"/> senders, each sending again as soon as
    /// its previous send is answered), or open loop at <see cref="GrainsOptions.Rate"/> sends per
    /// second when that is set. Sends alternate between the two sides of a pair.
    /// </summary>
    private static async Task<(long Sent, double Seconds)> DriveAsync(
        IGrainFactory grains, (string A, string B)[] pairs, GrainsOptions options, string content, string idPrefix,
        TimeSpan duration, LatencyRecorder latencies, ErrorCounter errors, CancellationToken cancellationToken)
    {
        long sent = 0;
        var started = Stopwatch.GetTimestamp();

        async Task SendOne(long n)
        {
            var (a, b) = pairs[n % pairs.Length];
            var (from, to) = (n / pairs.Length) % 2 == 0 ? (a, b) : (b, a);
            var sendStarted = Stopwatch.GetTimestamp();
            try
            {
                var result = await grains.GetDirectConversation(from, to)
                    .Send(new SendMessageCommand(from, to, content, idPrefix + n.ToString(CultureInfo.InvariantCulture)));
                if (result.Message is null)
                {
                    errors.Add($"send: {result.Error}");
                }
                else
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sendStarted).TotalMilliseconds);
                }
            }
            catch (Exception exception)
            {
                errors.Add("send", exception);
            }
        }

        await using (Progress.Show(() => FormattableString.Invariant(
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0}/{duration.TotalSeconds:0} s: sent {Interlocked.Read(ref sent)}, stored {latencies.Count} ({latencies.Count / Math.Max(0.001, Stopwatch.GetElapsedTime(started).TotalSeconds):0}/s), errors {errors.Total}")))
        {
            if (options.Rate > 0)
            {
                var inFlight = new List<Task>();
                long next = 0;
                var last = (long)(duration.TotalSeconds * options.Rate);
                while (next < last)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    while (next < last && next / options.Rate <= elapsed)
                    {
                        inFlight.Add(SendOne(Interlocked.Increment(ref sent) - 1));
                        next++;
                    }

                    await Task.Delay(1, cancellationToken);
                }

                await Task.WhenAll(inFlight);
            }
            else
            {
                var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
                {
                    while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
                    {
                        await SendOne(Interlocked.Increment(ref sent) - 1);
                    }
                }, cancellationToken));
                await Task.WhenAll(workers);
            }
        }

        return (sent, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<long> CommitsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<long> CountAsync(string connectionString, string prefix, CancellationToken cancellationToken)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM messages WHERE client_message_id LIKE $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = prefix + "%" });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
