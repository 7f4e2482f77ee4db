using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Social.WebFront.Tests;

/// <summary>
/// The real WebFront (HTTP pipeline, auth, in-process silo) on its own free silo and gateway
/// ports, with in-memory storage unless a PostgreSQL connection string is given.
/// </summary>
public class SocialApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";

    // A fixed test signing key, so tokens stay valid across a restart of the server.
    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly Dictionary<string, string?> _settings;

    public SocialApiFactory(string? connectionString, IReadOnlyDictionary<string, string?>? settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = connectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Social:Auth:SigningKey"] = SigningKey,
            ["Social:Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:RegistrationsPerMinute"] = "100000",
            ["Social:RateLimits:LoginsPerMinute"] = "100000",
            ["Social:RateLimits:RequestBurst"] = "100000",
            ["Social:RateLimits:RequestsPerSecond"] = "100000",
            ["Social:RateLimits:SearchesPerMinute"] = "100000",
            ["Social:RateLimits:AnonymousRequestsPerSecond"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Settings through the host's configuration, so Program reads them before it builds.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One in-memory server shared by the API tests (users are fresh per test).</summary>
public sealed class SharedApiFactory() : SocialApiFactory(connectionString: null, settings: null);

[CollectionDefinition(Name)]
public sealed class SharedApiDefinition : ICollectionFixture<SharedApiFactory>
{
    public const string Name = "api";
}
