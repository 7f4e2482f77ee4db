using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.LoadTest.Modes;
using Social.LoadTest;
using Social.Testing.Hosting;

// The load tester (issues 3 and 4): simulated users as real SignalR connections sending to their
// friends (signalr, the default), durable sends straight through the grains (grains) or through
// the HTTP API (rest), friend request + accept pairs (friends), or many idle connections (idle). Loopback only; every run is bounded by --timeout.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var defaultWebFront = typeof(RunReport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "WebFrontAssembly")?.Value ?? "Social.WebFront.dll";
var relayAssembly = typeof(RunReport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "RelayAssembly")?.Value ?? "Social.Relay.dll";

// Options every mode has.
var url = new Option<Uri?>("--url")
{
    Description = "Target a running server (loopback only) instead of starting one",
    Recursive = true,
    CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) ? uri : null,
};
var serverPid = new Option<int?>("--server-pid") { Description = "With --url: the server's pid, to read its memory and CPU", Recursive = true };
var signingKey = new Option<string?>("--signing-key") { Description = "With --url: the key of the server's Social:Auth:External issuer loadtest-idp (idle mode mints tokens)", Recursive = true };
var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (default: start a durable server of our own: fsync on, synchronous_commit on)", Recursive = true };
var noFsync = new Option<bool>("--no-fsync") { Description = "Our own PostgreSQL with fsync/synchronous_commit off (comparison only; NOT durable)", Recursive = true };
var inMemory = new Option<bool>("--in-memory") { Description = "The server's embedded in-memory storage (comparison only; NOT durable)", Recursive = true };
var webFront = new Option<string>("--webfront") { Description = "The Social.WebFront.dll to start", DefaultValueFactory = _ => defaultWebFront, Recursive = true };
var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file", Recursive = true };
var quietWait = new Option<int>("--quiet-wait") { Description = "Before measuring, wait at most this many seconds for other processes on the machine to go quiet (0: don't)", DefaultValueFactory = _ => 180, Recursive = true };
var serverEnv = new Option<string[]>("--server-env") { Description = "KEY=VALUE set in the started server's environment (repeatable), e.g. DOTNET_gcServer=0", Recursive = true, AllowMultipleArgumentsPerToken = false };
var serverLog = new Option<string?>("--server-log") { Description = "Copy the started server's output (its log) to this file", Recursive = true };
var timeout = new Option<int>("--timeout") { Description = "Hard limit for the whole run, seconds", DefaultValueFactory = _ => 1200, Recursive = true };

// signalr (the default)
var users = new Option<int>("--users", "-n") { Description = "Simulated users (an even number: they are paired as friends)", DefaultValueFactory = _ => 1000 };
var interval = new Option<double>("--interval") { Description = "Seconds between one user's messages", DefaultValueFactory = _ => 0.5 };
var rates = new Option<string?>("--rates") { Description = "Step through total offered rates instead, messages/s, e.g. 2000,4000,6000" };
var duration = new Option<int>("--duration", "-d") { Description = "Seconds each rate runs", DefaultValueFactory = _ => 60 };
var warmup = new Option<int>("--warmup") { Description = "Seconds of unmeasured load first (activations, JIT)", DefaultValueFactory = _ => 10 };
var drain = new Option<int>("--drain") { Description = "Seconds to wait after a step for its last deliveries", DefaultValueFactory = _ => 10 };
var messagePack = new Option<bool>("--messagepack") { Description = "MessagePack hub protocol instead of JSON", Recursive = true };
var messageSize = new Option<int>("--message-size") { Description = "Characters per message", DefaultValueFactory = _ => 64 };
var registerConcurrency = new Option<int>("--register-concurrency") { Description = "Registrations in flight", DefaultValueFactory = _ => 8 };
var relay = new Option<bool>("--relay") { Description = "Measure the floor instead: a bare SignalR relay hub (tools/Relay: no auth, grains or storage), same load shape" };
var allSteps = new Option<bool>("--all-steps") { Description = "Run every rate of --rates even past saturation (to show overload and recovery, e.g. 4000,6000,2000)" };
var timeline = new Option<bool>("--timeline") { Description = "Also report each step second by second (by the second a message was sent in): sent, delivered, failed, latency" };
var mintedUsers = new Option<bool>("--minted-users") { Description = "Users signed in with tokens minted as the outside issuer instead of registered (no PBKDF2 registrations: set-up in seconds)" };
var maxInFlight = new Option<int>("--max-in-flight") { Description = "Unanswered sends per connection before further sends are skipped", DefaultValueFactory = _ => 64 };

// grains and rest
var pairs = new Option<int>("--pairs") { Description = "Conversations (friend pairs)", DefaultValueFactory = _ => 1000 };
var concurrency = new Option<int>("--concurrency", "-c") { Description = "Senders, each sending again when answered", DefaultValueFactory = _ => 500 };
var rate = new Option<double>("--rate") { Description = "Open loop at this many sends/s instead of --concurrency senders" };
var grainsDuration = new Option<int>("--duration", "-d") { Description = "Seconds to measure", DefaultValueFactory = _ => 30 };
var grainsWarmup = new Option<int>("--warmup") { Description = "Seconds of unmeasured load first", DefaultValueFactory = _ => 5 };
var friendsVia = new Option<FriendsVia>("--via") { Description = "grains (a silo in this process) or http (the real WebFront)", DefaultValueFactory = _ => FriendsVia.Grains };
var friendsPairs = new Option<int>("--pairs") { Description = "Measured request + accept pairs (fresh users each)", DefaultValueFactory = _ => 2000 };
var friendsConcurrency = new Option<int>("--concurrency", "-c") { Description = "Pairs in flight", DefaultValueFactory = _ => 64 };
var friendsWarmup = new Option<int>("--warmup-pairs") { Description = "Unmeasured pairs first, on users of their own", DefaultValueFactory = _ => 200 };
var firstPairs = new Option<int>("--pairs") { Description = "New conversations (friend pairs)", DefaultValueFactory = _ => 1000 };
var firstConcurrency = new Option<int>("--concurrency", "-c") { Description = "Sends in flight at once", DefaultValueFactory = _ => 1000 };
var firstRounds = new Option<int>("--rounds") { Description = "Rounds of one message per conversation (the first is every conversation's first message)", DefaultValueFactory = _ => 3 };
var restPairs = new Option<int>("--pairs") { Description = "Conversations (friend pairs of registered users)", DefaultValueFactory = _ => 250 };

// idle
var connections = new Option<int>("--connections", "-n") { Description = "Idle connections to open", DefaultValueFactory = _ => 20000 };
var transport = new Option<IdleTransport>("--transport") { Description = "ws (the seed's raw WebSocket) or signalr", DefaultValueFactory = _ => IdleTransport.Ws };
var perUser = new Option<int>("--connections-per-user") { Description = "Connections sharing one user (1: every connection is its own user)", DefaultValueFactory = _ => 1 };
var connectConcurrency = new Option<int>("--connect-concurrency") { Description = "Connections being opened at once", DefaultValueFactory = _ => 64 };
var hold = new Option<int>("--hold") { Description = "Seconds to hold the connections open", DefaultValueFactory = _ => 45 };
var sourceAddresses = new Option<int?>("--source-addresses") { Description = "Loopback source addresses 127.0.0.1.. to spread raw WebSockets over (default: one per 25,000)" };

// group-fanout and group-sends
var groupMembers = new Option<int>("--members") { Description = "Members of the one group (each a hub connection)", DefaultValueFactory = _ => 256 };
var groupRate = new Option<double>("--rate") { Description = "Messages per second into the group", DefaultValueFactory = _ => 10 };
var groupDuration = new Option<int>("--duration", "-d") { Description = "Seconds to send", DefaultValueFactory = _ => 30 };
var groupDrain = new Option<int>("--drain") { Description = "Seconds to wait for the last deliveries", DefaultValueFactory = _ => 15 };
var smallGroups = new Option<int>("--groups") { Description = "Small groups", DefaultValueFactory = _ => 1000 };
var groupSize = new Option<int>("--group-size") { Description = "Members per small group", DefaultValueFactory = _ => 3 };

var root = new RootCommand("Social load tester. Modes: signalr (default), grains, first-messages, rest, friends, idle, group-fanout, group-sends.");
foreach (var option in new Option[] { url, serverPid, signingKey, postgres, noFsync, inMemory, webFront, json, timeout, quietWait, serverEnv, serverLog, messagePack })
{
    root.Options.Add(option);
}

var signalR = new Command("signalr", "Users as SignalR connections in friend pairs, each sending to its friend at a fixed rate (the default mode)");
foreach (var option in new Option[] { users, interval, rates, duration, warmup, drain, messageSize, registerConcurrency, maxInFlight, relay, allSteps, mintedUsers, timeline })
{
    root.Options.Add(option);
    signalR.Options.Add(option);
}

var grains = new Command("grains", "Durable sends straight through the grains (a silo in this process on PostgreSQL)");
foreach (var option in new Option[] { pairs, concurrency, rate, grainsDuration, grainsWarmup, messageSize })
{
    grains.Options.Add(option);
}

var firstMessages = new Command("first-messages", "What a conversation's first message costs against later ones, through the grains (a silo in this process on PostgreSQL)");
foreach (var option in new Option[] { firstPairs, firstConcurrency, firstRounds })
{
    firstMessages.Options.Add(option);
}

var rest = new Command("rest", "Durable sends through POST /api/messages/send on the real WebFront (started on PostgreSQL of its own)");
foreach (var option in new Option[] { restPairs, concurrency, rate, grainsDuration, grainsWarmup, messageSize, registerConcurrency })
{
    rest.Options.Add(option);
}

var friends = new Command("friends", "Friend request + accept pairs per second (issue 2's benchmark), through the grains or the HTTP API");
foreach (var option in new Option[] { friendsVia, friendsPairs, friendsConcurrency, friendsWarmup, registerConcurrency })
{
    friends.Options.Add(option);
}

var idle = new Command("idle", "Many idle connections; the front's memory per connection");
foreach (var option in new Option[] { connections, transport, perUser, connectConcurrency, hold, sourceAddresses })
{
    idle.Options.Add(option);
}

var groupFanout = new Command("group-fanout", "One group of --members users on the real WebFront, all connected; --rate messages/s into it, delivered to every member");
foreach (var option in new Option[] { groupMembers, groupRate, groupDuration, groupDrain, registerConcurrency })
{
    groupFanout.Options.Add(option);
}

var groupSends = new Command("group-sends", "Durable sends in --groups small groups straight through the grains (a silo in this process on PostgreSQL)");
foreach (var option in new Option[] { smallGroups, groupSize, concurrency, rate, grainsDuration, grainsWarmup, messageSize })
{
    groupSends.Options.Add(option);
}

root.Subcommands.Add(groupFanout);
root.Subcommands.Add(groupSends);
root.Subcommands.Add(signalR);
root.Subcommands.Add(grains);
root.Subcommands.Add(rest);
root.Subcommands.Add(firstMessages);
root.Subcommands.Add(friends);
root.Subcommands.Add(idle);

ServerOptions Server(ParseResult parsed) => new(
    parsed.GetValue(url), parsed.GetValue(serverPid), parsed.GetValue(signingKey), parsed.GetValue(postgres),
    parsed.GetValue(noFsync), parsed.GetValue(inMemory), Path.GetFullPath(parsed.GetValue(webFront)!),
    (parsed.GetValue(serverEnv) ?? []).Select(pair => pair.Split('=', 2)).ToDictionary(
        pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new ArgumentException($"--server-env wants KEY=VALUE, not '{pair[0]}'."), StringComparer.Ordinal),
    parsed.GetValue(serverLog) is { } log ? Path.GetFullPath(log) : null);

SignalROptions SignalROptionsOf(ParseResult parsed)
{
    var n = parsed.GetValue(users);
    if (n < 2 || n % 2 != 0)
    {
        throw new ArgumentException("--users must be an even number of at least 2.");
    }

    var steps = parsed.GetValue(rates) is { Length: > 0 } list
        ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList()
        : [n / parsed.GetValue(interval)];
    if (steps.Any(r => r <= 0))
    {
        throw new ArgumentException("Rates and the interval must be positive.");
    }

    return new SignalROptions(n, steps, TimeSpan.FromSeconds(parsed.GetValue(duration)), TimeSpan.FromSeconds(parsed.GetValue(warmup)),
        TimeSpan.FromSeconds(parsed.GetValue(drain)), parsed.GetValue(messagePack), Math.Max(8, parsed.GetValue(messageSize)),
        parsed.GetValue(registerConcurrency), parsed.GetValue(maxInFlight), TimeSpan.FromSeconds(parsed.GetValue(quietWait)), parsed.GetValue(relay), parsed.GetValue(allSteps),
        parsed.GetValue(mintedUsers), parsed.GetValue(timeline));
}

SendPlan SendPlanOf(ParseResult parsed) =>
    new(Math.Max(1, parsed.GetValue(concurrency)), parsed.GetValue(rate), TimeSpan.FromSeconds(parsed.GetValue(grainsDuration)));

// The modes whose silo runs inside the tester: on --postgres, or on a durable server of their own.
async Task<(object Result, DatabaseFacts? Database, string Note)> InProcessSiloRunAsync<T>(
    ParseResult parsed, CancellationToken ct, Func<string, CancellationToken, Task<T>> run)
    where T : notnull
{
    var serverOptions = Server(parsed);
    await using var own = serverOptions.Postgres is null ? await FriendsLoad.StartPostgresAsync(serverOptions.NoFsync, ct) : null;
    var connectionString = serverOptions.Postgres ?? own!.ConnectionString;
    var database = await TargetServer.DatabaseFactsAsync(own is null ? "given (--postgres)" : "own server, temporary directory", connectionString, ct);
    var result = await run(connectionString, ct);
    return (result, database, "The silo runs inside the load tester, on the same 2 cores as PostgreSQL.");
}

async Task<int> RunAsync(ParseResult parsed, string mode, Func<CancellationToken, Task<(object Result, DatabaseFacts? Database, string Note)>> run)
{
    using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(parsed.GetValue(timeout)));
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancellation.Cancel();
    };

    var startedAt = DateTimeOffset.UtcNow;
    try
    {
        var (result, database, note) = await run(cancellation.Token);
        var report = new RunReport(mode, "Social.LoadTest " + string.Join(' ', args), startedAt, MachineFacts.Current(), database, note, result);
        report.Print(Console.Out);
        if (parsed.GetValue(json) is { } path)
        {
            using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await report.WriteJsonAsync(path, writing.Token);
            Progress.Say($"Wrote {Path.GetFullPath(path)}");
        }

        return 0;
    }
    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
    {
        Progress.Say($"Stopped: the run did not finish within --timeout {parsed.GetValue(timeout)} s (or was interrupted).");
        return 2;
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Progress.Say($"The load test failed: {exception}");
        return 1;
    }
}

const string SharedMachineNote = "The load generator runs on the same 2 cores as the server and PostgreSQL; its CPU is shown beside theirs.";

async Task<int> SignalRAction(ParseResult parsed, CancellationToken _)
{
    var options = SignalROptionsOf(parsed);
    var serverOptions = options.Relay
        ? Server(parsed) with { WebFrontAssembly = Path.GetFullPath(relayAssembly), InMemory = true, Postgres = null }
        : Server(parsed);
    return await RunAsync(parsed, options.Relay ? "signalr (bare relay: the floor)" : "signalr", async ct =>
    {
        await using var server = await TargetServer.StartAsync(serverOptions, ct);
        try
        {
            var result = await SignalRLoad.RunAsync(options, server, ct);
            return (result, server.Database, SharedMachineNote);
        }
        catch when (server.Process is { HasExited: true } process)
        {
            Progress.Say($"The server exited. Its last output:{Environment.NewLine}{process.OutputTail}");
            throw;
        }
    });
}

root.SetAction(SignalRAction);
signalR.SetAction(SignalRAction);

grains.SetAction((parsed, _) => RunAsync(parsed, "grains", ct => InProcessSiloRunAsync(parsed, ct, (connectionString, token) =>
    GrainsLoad.RunAsync(new GrainsOptions(parsed.GetValue(pairs), SendPlanOf(parsed), TimeSpan.FromSeconds(parsed.GetValue(grainsWarmup)),
        Math.Max(1, parsed.GetValue(messageSize)), TimeSpan.FromSeconds(parsed.GetValue(quietWait))), connectionString, token))));

firstMessages.SetAction((parsed, _) => RunAsync(parsed, "first-messages", ct => InProcessSiloRunAsync(parsed, ct, (connectionString, token) =>
    FirstMessagesLoad.RunAsync(new FirstMessagesOptions(Math.Max(1, parsed.GetValue(firstPairs)), Math.Max(1, parsed.GetValue(firstConcurrency)),
        Math.Max(1, parsed.GetValue(firstRounds))), connectionString, token))));

rest.SetAction((parsed, _) => RunAsync(parsed, "rest", async ct =>
{
    var options = new RestOptions(parsed.GetValue(restPairs), SendPlanOf(parsed), TimeSpan.FromSeconds(parsed.GetValue(grainsWarmup)),
        Math.Max(1, parsed.GetValue(messageSize)), Math.Max(1, parsed.GetValue(registerConcurrency)), TimeSpan.FromSeconds(parsed.GetValue(quietWait)));
    await using var server = await TargetServer.StartAsync(Server(parsed), ct);
    var result = await RestLoad.RunAsync(options, server, ct);
    return (result, server.Database, SharedMachineNote);
}));

friends.SetAction((parsed, _) => RunAsync(parsed, "friends", async ct =>
{
    var options = new FriendsOptions(parsed.GetValue(friendsVia), Math.Max(1, parsed.GetValue(friendsPairs)), Math.Max(1, parsed.GetValue(friendsConcurrency)),
        Math.Max(0, parsed.GetValue(friendsWarmup)), Math.Max(1, parsed.GetValue(registerConcurrency)), TimeSpan.FromSeconds(parsed.GetValue(quietWait)));
    var serverOptions = Server(parsed);
    var (result, database) = await FriendsLoad.RunAsync(options, serverOptions, ct);
    var note = options.Via == FriendsVia.Grains ? "The silo runs inside the load tester, on the same 2 cores as PostgreSQL." : SharedMachineNote;
    return (result, database, note);
}));

idle.SetAction((parsed, _) => RunAsync(parsed, "idle", async ct =>
{
    var n = parsed.GetValue(connections);
    var options = new IdleOptions(n, parsed.GetValue(transport), Math.Max(1, parsed.GetValue(perUser)), Math.Max(1, parsed.GetValue(connectConcurrency)),
        TimeSpan.FromSeconds(parsed.GetValue(hold)), parsed.GetValue(sourceAddresses) ?? ((n + 24_999) / 25_000), parsed.GetValue(messagePack),
        TimeSpan.FromSeconds(parsed.GetValue(quietWait)));
    IdleLoad.EnsureOpenFileLimit(n);
    await using var server = await TargetServer.StartAsync(Server(parsed), ct);
    var result = await IdleLoad.RunAsync(options, server, ct);
    return (result, server.Database, SharedMachineNote);
}));

groupFanout.SetAction((parsed, _) => RunAsync(parsed, "group-fanout", async ct =>
{
    var options = new GroupFanoutOptions(Math.Max(2, parsed.GetValue(groupMembers)), Math.Max(0.1, parsed.GetValue(groupRate)),
        TimeSpan.FromSeconds(parsed.GetValue(groupDuration)), TimeSpan.FromSeconds(parsed.GetValue(groupDrain)),
        Math.Max(1, parsed.GetValue(registerConcurrency)), parsed.GetValue(messagePack));
    await using var server = await TargetServer.StartAsync(Server(parsed), ct);
    var result = await GroupFanoutLoad.RunAsync(options, server, ct);
    return (result, server.Database, SharedMachineNote);
}));

groupSends.SetAction((parsed, _) => RunAsync(parsed, "group-sends", ct => InProcessSiloRunAsync(parsed, ct, (connectionString, token) =>
    SmallGroupsLoad.RunAsync(new SmallGroupsOptions(Math.Max(1, parsed.GetValue(smallGroups)), Math.Max(2, parsed.GetValue(groupSize)), SendPlanOf(parsed),
        TimeSpan.FromSeconds(parsed.GetValue(grainsWarmup)), Math.Max(1, parsed.GetValue(messageSize)), TimeSpan.FromSeconds(parsed.GetValue(quietWait))), connectionString, token))));

return await root.Parse(args).InvokeAsync();
