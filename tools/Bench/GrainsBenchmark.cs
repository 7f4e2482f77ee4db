using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Social.Grains;
using Social.Grains.Friends;
using Social.Grains.Hosting;
using Social.Storage;

namespace Social.Bench;

/// <summary>
/// Friend request + accept pairs straight through the grains: a silo hosted in this process on
/// PostgreSQL (the production hosting code), called through its <see cref="IGrainFactory"/>.
/// </summary>
public static class GrainsBenchmark
{
    public static async Task<Measurement> RunAsync(
        BenchOptions options, BenchDatabase database, TextWriter progress, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = database.ConnectionString,
            ["Social:Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:FriendRequestsPerMinute"] = "1000000",
        });
        // Warnings only, on stderr: the per-operation Information logs are not part of what is measured here.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocialStorage(database.ConnectionString);
        builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));

        using var host = builder.Build();
        progress.WriteLine("Starting the silo...");
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var run = RunTag.New();
            using var self = Process.GetCurrentProcess();
            return await Measurement.RunAsync(options, database,
                warmupPair: (i, _) => Pair(grains, $"{run}-w{i}-a", $"{run}-w{i}-b"),
                pair: (i, _) => Pair(grains, $"{run}-{i}-a", $"{run}-{i}-b"),
                processes: new Dictionary<string, Func<TimeSpan>> { ["bench process (silo + load)"] = () => CpuMeter.ProcessorTimeOf(self) },
                registrations: null, progress, cancellationToken);
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
                await Console.Error.WriteLineAsync($"The silo did not stop cleanly: {exception.Message}");
            }
        }
    }

    /// <summary>One pair: <paramref name="a"/> asks, <paramref name="b"/> accepts, both answered only once stored.</summary>
    private static async Task<string?> Pair(IGrainFactory grains, string a, string b)
    {
        var pair = grains.GetFriendship(a, b);
        var request = await pair.Request(a);
        if (request is not { Succeeded: true, Status: PeerStatus.PendingOutgoing })
        {
            return $"request: {request.Error}";
        }

        var accept = await pair.Accept(b);
        return accept is { Succeeded: true, Status: PeerStatus.Friends } ? null : $"accept: {accept.Error}";
    }
}
