using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Social.Grains;
using Social.Grains.Hosting;
using Social.Grains.Presence;
using Social.Grains.Realtime;
using Social.Grains.Users;
using Social.Storage;
using Social.Testing.Hosting;

// The fan-out cost of one user with many friends going online and offline, straight through the
// grains: a silo in this process (the production hosting code; embedded in-memory storage unless
// a PostgreSQL connection string is given), no front end. Friends that are "connected" have a
// presence report from a front id and a subscription on their stream, as a front would hold.
//   dotnet run -c Release --project tools/PresenceBench -- fanout|flap [friends=2000] [rounds=10] [connection string]
// fanout: every change announced (coalescing off), cost per announcement with 0, 10 % and all
// friends connected. flap: the default 2 s window, 100 drops and reconnects in a burst.
var mode = args.Length > 0 ? args[0] : "fanout";
var friendCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var connectionString = args.Length > 3 ? args[3] : null;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Social"] = connectionString,
    ["Social:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    ["Social:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    ["Social:Friends:ProFriendLimit"] = Math.Max(2000, friendCount).ToString(CultureInfo.InvariantCulture),
    ["Social:RateLimits:FriendRequestsPerMinute"] = "1000000",
    ["Social:Presence:CoalesceWindow"] = mode == "flap" ? "00:00:02" : "00:00:00",
});
builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSocialStorage(connectionString);

builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var client = host.Services.GetRequiredService<IClusterClient>();

long notifications = 0;
using var meters = new MeterListener();
meters.InstrumentPublished = (instrument, listener) =>
{
    if (instrument.Name == "social.presence.notifications")
    {
        listener.EnableMeasurementEvents(instrument);
    }
};
meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref notifications, value));
meters.Start();

var run = Guid.NewGuid().ToString("N")[..8];
var star = $"star-{run}";
await grains.GetUser(star).SetPlan(Plan.Pro);
var friends = Enumerable.Range(0, friendCount).Select(i => $"friend-{run}-{i}").ToArray();
var setup = Stopwatch.StartNew();
foreach (var chunk in friends.Chunk(64))
{
    await Task.WhenAll(chunk.Select(async friend =>
    {
        await grains.GetFriendship(star, friend).Request(star);
        await grains.GetFriendship(friend, star).Accept(friend);
    }));
}

Console.WriteLine($"{friendCount} friends made in {setup.Elapsed.TotalSeconds:F1} s");

// Heard presence events, per connected friend.
var heard = new ConcurrentDictionary<string, int>();
var subscriptions = new List<StreamSubscriptionHandle<StreamedUserEvent>>();
long frontSeq = 0;
var starConnections = 0;
if (mode == "flap")
{
    await FlapAsync();
    await host.StopAsync();
    return;
}

Console.WriteLine("| connected friends | announcement | wall ms (median / max) to the last connected friend's stream | process CPU ms per announcement (median) | allocated KiB per announcement (median) | one-way calls per announcement |");
Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
var connected = 0;
foreach (var target in new[] { 0, friendCount / 10, friendCount })
{
    // Connect more friends, as fronts would.
    for (; connected < target; connected++)
    {
        var friend = friends[connected];
        var stream = client.GetStreamProvider(UserStreams.Provider).GetStream<StreamedUserEvent>(UserStreams.For(friend));
        subscriptions.Add(await stream.SubscribeAsync((streamed, _) =>
        {
            if (streamed.Event is PresenceChangedEvent)
            {
                heard.AddOrUpdate(friend, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }));
        await grains.GetPresence(friend).Report("bench-front", Interlocked.Increment(ref frontSeq), 1, 1);
    }

    foreach (var (label, connections) in new[] { ("online", 1), ("offline", 0) })
    {
        var walls = new List<double>();
        var cpus = new List<double>();
        var allocations = new List<double>();
        var calls = new List<long>();
        for (var round = 0; round < rounds; round++)
        {
            // First the other state, unmeasured, so that the measured report is a change.
            await ReportAndWaitAsync(1 - connections, target);

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var callsAtStart = Interlocked.Read(ref notifications);
            var wall = Stopwatch.StartNew();
            await ReportAndWaitAsync(connections, target);
            walls.Add(wall.Elapsed.TotalMilliseconds);
            calls.Add(Interlocked.Read(ref notifications) - callsAtStart);

            // Let the offline friends' grains finish taking their calls before reading the CPU.
            await Task.Delay(200);
            cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            allocations.Add((GC.GetTotalAllocatedBytes() - allocated) / 1024.0);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"| {target} | {label} | {Median(walls):F1} / {walls.Max():F1} | {Median(cpus):F0} | {Median(allocations):F0} | {calls.Max()} |"));
    }
}

await host.StopAsync();
Console.WriteLine("(CPU figures include the 200 ms settle after each announcement, when the process is otherwise idle.)");

// 100 drops and reconnects reported as fast as one front can, then offline; what one connected
// friend hears, and how many one-way calls the 200 changes cost.
async Task FlapAsync()
{
    var friend = friends[0];
    var stream = client.GetStreamProvider(UserStreams.Provider).GetStream<StreamedUserEvent>(UserStreams.For(friend));
    var statuses = new ConcurrentQueue<PresenceStatus>();
    await stream.SubscribeAsync((streamed, _) =>
    {
        if (streamed.Event is PresenceChangedEvent e)
        {
            statuses.Enqueue(e.Presence.Status);
        }

        return Task.CompletedTask;
    });
    await grains.GetPresence(friend).Report("bench-front", 1, 1, 1);
    var presence = grains.GetPresence(star);
    var callsBefore = Interlocked.Read(ref notifications);
    var clock = Stopwatch.StartNew();
    long seq = 0;
    await presence.Report("star-front", ++seq, 1, 1);
    for (var i = 0; i < 100; i++)
    {
        await presence.Report("star-front", ++seq, 0, 0);
        await presence.Report("star-front", ++seq, 1, 1);
    }

    var burst = clock.Elapsed;
    await presence.Report("star-front", ++seq, 0, 0);
    while (!statuses.Contains(PresenceStatus.Offline))
    {
        await Task.Delay(10);
    }

    var calls = Interlocked.Read(ref notifications) - callsBefore;
    Console.WriteLine(FormattableString.Invariant(
        $"flap: 202 changes in {burst.TotalMilliseconds:F0} ms + final offline; the connected friend heard {statuses.Count} ({string.Join(", ", statuses)}) in {clock.Elapsed.TotalSeconds:F1} s; {calls} one-way calls to {friendCount} friends' grains"));
}

// Reports the star's connections and waits until the announcement was sent to every friend and
// heard by every connected one.
async Task ReportAndWaitAsync(int connections, int connectedFriends)
{
    if (connections == starConnections)
    {
        return;
    }

    starConnections = connections;
    var expectedCalls = Interlocked.Read(ref notifications) + friendCount;
    heard.Clear();
    await grains.GetPresence(star).Report("star-front", Interlocked.Increment(ref frontSeq), connections, connections);
    while (Interlocked.Read(ref notifications) < expectedCalls || heard.Count < connectedFriends)
    {
        await Task.Delay(1);
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
