using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Social.Testing.Hosting;

namespace Social.Web.Tests;

/// <summary>
/// The whole WebFront (API, hub, in-process silo and the web client from wwwroot) on Kestrel,
/// bound to a loopback port, for a real browser. In-memory storage unless a PostgreSQL
/// connection string is given; then a second server on the same port finds the same data.
/// </summary>
public sealed class WebServer : WebApplicationFactory<Program>
{
    public const string AdminKey = "web-tests-admin-key";

    // A fixed signing key: tokens stay valid across a restart, as they do with a configured key.
    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly Dictionary<string, string?> _settings;

    private WebServer(int port, string? connectionString, IReadOnlyDictionary<string, string?>? settings)
    {
        Port = port;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = connectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Social:Auth:SigningKey"] = SigningKey,
            ["Social:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:RegistrationsPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts a server on <paramref name="port"/> (0: a free one) and waits until it is ready.</summary>
    public static async Task<WebServer> StartAsync(int port = 0, string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new WebServer(port == 0 ? FreePort.Next() : port, connectionString, settings);
        try
        {
            server.StartServer();
            using var client = server.CreateLoopbackClient();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "The server did not become ready within 60 s.");
                await Task.Delay(200);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateLoopbackClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }
}
