using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Social.Client;
using Social.Testing.Hosting;

namespace Social.Testing.Server;

/// <summary>
/// The real WebFront (HTTP pipeline, auth, in-process silo on its own free ports) for tests:
/// in-memory storage unless a PostgreSQL connection string is given, on the in-memory test
/// server or, with <see cref="SocialTestServerOptions.Kestrel"/>, on Kestrel on loopback for real
/// SignalR and WebSocket clients. The signing key is fixed, so tokens outlive a restart.
/// </summary>
public class SocialTestServer : WebApplicationFactory<Program>
{
    /// <summary>The admin key every test server accepts.</summary>
    public const string AdminKey = "test-admin-key";

    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly Dictionary<string, string?> _settings;
    private bool _kestrel;

    /// <summary>A server as <paramref name="options"/> says (in memory, generous limits, when null).</summary>
    public SocialTestServer(SocialTestServerOptions? options = null)
    {
        options ??= new SocialTestServerOptions();
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = options.ConnectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Social:Auth:SigningKey"] = SigningKey,
            ["Social:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:RegistrationsPerMinute"] = "100000",
            ["Social:RateLimits:LoginsPerMinute"] = "100000",
            ["Social:RateLimits:RequestBurst"] = "100000",
            ["Social:RateLimits:RequestsPerSecond"] = "100000",
            ["Social:RateLimits:SearchesPerMinute"] = "100000",
            ["Social:RateLimits:AnonymousRequestsPerSecond"] = "100000",

            // A few seconds per server, for compiled code that tests do not measure.
            ["Social:WarmUp:Sandbox"] = "false",
        };
        foreach (var (key, value) in options.Settings)
        {
            _settings[key] = value;
        }

        BaseAddress = ClientOptions.BaseAddress;
        if (options.Kestrel)
        {
            StartKestrel(options.Port ?? 0);
        }
    }

    /// <summary>Where the server answers: a loopback URL on Kestrel, the test server's otherwise.</summary>
    public Uri BaseAddress { get; private set; }

    /// <summary>A plain HTTP client for this server (for malformed requests and raw checks).</summary>
    public HttpClient CreateHttpClient() => _kestrel ? new HttpClient { BaseAddress = BaseAddress } : CreateClient();

    /// <summary>A <see cref="SocialClient"/> for this server, not signed in; real-time needs Kestrel.</summary>
    public SocialClient CreateSocialClient(Action<SocialClientOptions>? configure = null)
    {
        var options = new SocialClientOptions { BaseAddress = BaseAddress };
        options.Realtime.FirstRetryDelay = TimeSpan.FromMilliseconds(100);
        options.Realtime.MaxRetryDelay = TimeSpan.FromSeconds(1);
        configure?.Invoke(options);
        return new SocialClient(CreateHttpClient(), options);
    }

    /// <summary>Starts the server on Kestrel on 127.0.0.1 (for a subclass that must set itself up first).</summary>
    protected void StartKestrel(int port = 0)
    {
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _kestrel = true;
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Settings through the host's configuration, so Program reads them before it builds.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }
}

/// <summary>How to start a <see cref="SocialTestServer"/>.</summary>
public sealed class SocialTestServerOptions
{
    /// <summary>PostgreSQL for everything stored; in-memory storage when null.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Configuration on top of the test defaults (smaller limits, say).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Serve on Kestrel on 127.0.0.1 (for real SignalR and WebSocket clients).</summary>
    public bool Kestrel { get; init; }

    /// <summary>The Kestrel port; a free one when null. A fixed port lets a restarted server answer at the same address.</summary>
    public int? Port { get; init; }
}
