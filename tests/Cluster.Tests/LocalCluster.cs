using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Social.Client;
using Social.Grains;
using Social.Testing.Hosting;
using Social.Testing;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// A scaled-out Social on loopback, as <c>deploy/run-local.sh</c> starts it: separate silo
/// processes and front-end processes (Orleans clients) sharing one PostgreSQL database, each on
/// its own free 127.0.0.1 port. Everything it started is killed on dispose.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>Orleans' <c>SiloStatus</c> values as stored in the membership table.</summary>
    public const int Active = 3;
    public const int Dead = 6;

    /// <summary>How long a silo or front may take to come up on a busy machine.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly List<ServiceProcess> _processes = [];
    private readonly Dictionary<int, ServiceProcess> _silosByPort = [];
    private readonly Dictionary<ServiceProcess, Uri> _siloHttp = [];
    private readonly ProcessWatchdog _watchdog = new();
    private readonly NpgsqlDataSource _database;
    private readonly string _signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private IHost? _orleansClient;

    private LocalCluster(string connectionString)
    {
        ConnectionString = connectionString;
        _database = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    /// <summary>Since the cluster was created; the time base of the processes' log lines.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public static async Task<LocalCluster> CreateAsync(string name)
    {
        var server = await PostgresServer.GetAsync();
        return new LocalCluster(await server.CreateDatabaseAsync(name));
    }

    /// <summary>The silo listening on <paramref name="siloPort"/>.</summary>
    public int SiloPortOf(ServiceProcess silo) => _silosByPort.Single(pair => pair.Value == silo).Key;

    /// <summary>The silo's own HTTP endpoint (<c>/metrics</c>, and <c>/dashboard</c> with an admin key).</summary>
    public Uri HttpAddressOf(ServiceProcess silo) => _siloHttp[silo];

    public ServiceProcess StartSilo(string name, out int siloPort, string? adminKey = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        siloPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Social"] = ConnectionString,
            ["Social__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Social__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Social__Telemetry__SiloHttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
            // The tests send faster than a person; the limits themselves are tested elsewhere.
            ["Social__RateLimits__MessagesPerSecond"] = "1000",
            ["Social__RateLimits__MessageBurst"] = "1000",
        };
        if (adminKey is not null)
        {
            environment["Admin__ApiKey"] = adminKey;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var silo = Start(name, ServiceProcess.DllOf("Silo", "Social.Silo"), environment, []);
        _silosByPort[siloPort] = silo;
        _siloHttp[silo] = new Uri($"http://127.0.0.1:{httpPort}");
        return silo;
    }

    public (ServiceProcess Process, Uri BaseAddress) StartFront(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Social"] = ConnectionString,
            ["Social__Cluster__Mode"] = "client",
            ["Social__WarmUp__Sandbox"] = "false", // seconds per start, for compiled code these tests do not measure
            ["Social__Auth__SigningKey"] = _signingKey,
            ["Social__RateLimits__RegistrationsPerMinute"] = "10000",
            ["Social__RateLimits__RequestsPerSecond"] = "10000",
            ["Social__RateLimits__RequestBurst"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var front = Start(name, ServiceProcess.DllOf("WebFront", "Social.WebFront"), environment, ["--urls", $"http://127.0.0.1:{port}"]);
        return (front, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Waits until <paramref name="count"/> silos are Active in the membership table.</summary>
    public Task WaitForActiveSilosAsync(int count, CancellationToken cancellationToken) =>
        Eventually.WaitUntilAsync(
            async () =>
            {
                ThrowIfAnyExited();
                return (await MembershipAsync(cancellationToken)).Count(row => row.Status == Active) >= count;
            },
            $"{count} silo(s) are Active in the membership table",
            StartTimeout,
            cancellationToken);

    /// <summary>Waits until GET /health/ready answers 200 (the front reaches the cluster and the database).</summary>
    public async Task WaitUntilReadyAsync(Uri front, CancellationToken cancellationToken)
    {
        using var client = new SocialClient(front);
        client.Http.Timeout = TimeSpan.FromSeconds(5);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                ThrowIfAnyExited();
                try
                {
                    return await client.IsReadyAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return false; // not listening yet
                }
            },
            $"{front} answers /health/ready",
            StartTimeout,
            cancellationToken);
    }

    /// <summary>The membership table's rows: silo port and status.</summary>
    public async Task<IReadOnlyList<(int Port, int Status)>> MembershipAsync(CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand("SELECT port, status FROM orleansmembershiptable WHERE deploymentid = @cluster");
        command.Parameters.AddWithValue("cluster", SocialNames.ClusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(int, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return rows;
    }

    /// <summary>The silo process that hosts <paramref name="conversationId"/>'s grain, if it is active.</summary>
    public async Task<ServiceProcess?> SiloHostingConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        var grains = await GrainsAsync(cancellationToken);
        return await SiloHostingAsync(grains, grains.GetConversation(conversationId), cancellationToken);
    }

    /// <summary>
    /// The silo process that hosts the pub-sub rendezvous grain of <paramref name="userId"/>'s event
    /// stream (it holds the stream's subscriptions; its key is "provider/namespace/user id"), once a
    /// front has subscribed to that stream.
    /// </summary>
    public async Task<ServiceProcess?> SiloHostingUserStreamSubscriptionsAsync(string userId, CancellationToken cancellationToken)
    {
        var grains = await GrainsAsync(cancellationToken);
        var rendezvous = await grains.GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create("pubsubrendezvous"), cancellationToken);
        var suffix = "/user/" + userId;
        var grainId = rendezvous.FirstOrDefault(id => id.Key.ToString()!.EndsWith(suffix, StringComparison.Ordinal));
        return grainId.IsDefault ? null : await SiloHostingAsync(grains, grains.GetGrain(grainId), cancellationToken);
    }

    private async Task<ServiceProcess?> SiloHostingAsync(IClusterClient grains, IAddressable grain, CancellationToken cancellationToken)
    {
        var address = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain, cancellationToken);
        return address is not null && _silosByPort.TryGetValue(address.Endpoint.Port, out var silo) ? silo : null;
    }

    /// <summary>Writes every process's warnings and errors (the last <paramref name="perProcess"/> lines of each) to the test output.</summary>
    public void WriteLogs(ITestOutputHelper output, int perProcess = 15)
    {
        foreach (var process in _processes)
        {
            var lines = process.Problems(perProcess).ToList();
            output.WriteLine($"--- {process.Name} (pid {process.Id}{(process.HasExited ? ", exited" : "")}): {lines.Count} warning/error line(s) shown");
            foreach (var line in lines)
            {
                output.WriteLine(line.Length <= 400 ? line : line[..400] + " …");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_orleansClient is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _orleansClient.StopAsync(timeout.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or OrleansException)
            {
                // Stopping a client of a dying cluster may time out; it is being thrown away.
            }

            _orleansClient.Dispose();
        }

        // Fronts first, then silos; SIGKILL, so this is bounded whatever state they are in.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        _watchdog.Dispose();
        await _database.DisposeAsync();
    }

    private ServiceProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments)
    {
        var process = ServiceProcess.Start(name, dll, environment, arguments, Clock);
        _processes.Add(process);
        _watchdog.Watch(process.Id);
        return process;
    }

    private async Task<IClusterClient> GrainsAsync(CancellationToken cancellationToken)
    {
        if (_orleansClient is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = SocialNames.ClusterId;
                    options.ServiceId = SocialNames.ServiceId;
                });
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = "Npgsql";
                    options.ConnectionString = ConnectionString;
                });
            });
            var host = builder.Build();
            await host.StartAsync(cancellationToken);
            _orleansClient = host;
        }

        return _orleansClient.Services.GetRequiredService<IClusterClient>();
    }

    private void ThrowIfAnyExited()
    {
        if (_processes.FirstOrDefault(p => p.HasExited && !p.WasKilled) is { } exited)
        {
            throw new InvalidOperationException($"{exited.Name} exited during start-up:\n{string.Join('\n', exited.Log.TakeLast(40))}");
        }
    }
}
