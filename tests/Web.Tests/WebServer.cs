using Social.Client;
using Social.Testing.Server;
using Social.Testing.Waiting;

namespace Social.Web.Tests;

/// <summary>
/// The whole WebFront (API, hub, in-process silo and the web client from wwwroot) for a real
/// browser: the shared <see cref="SocialTestServer"/> on Kestrel on a loopback port, in memory
/// unless a PostgreSQL connection string is given (then a second server on the same port finds
/// the same data, and the fixed signing key keeps tokens valid across the restart).
/// </summary>
public sealed class WebServer : SocialTestServer
{
    private WebServer(SocialTestServerOptions options)
        : base(options)
    {
    }

    public int Port => BaseAddress.Port;

    /// <summary>Starts a server on <paramref name="port"/> (0: a free one) and waits until it is ready.</summary>
    public static async Task<WebServer> StartAsync(int port = 0, string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new WebServer(new SocialTestServerOptions
        {
            Kestrel = true,
            Port = port == 0 ? null : port,
            ConnectionString = connectionString,
            Settings = settings ?? new Dictionary<string, string?>(),
        });
        try
        {
            using var client = server.CreateSocialClient();
            await Eventually.WaitUntilAsync(async () => await IsReadyAsync(client), "the server is ready", TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> IsReadyAsync(SocialClient client)
    {
        try
        {
            return await client.IsReadyAsync();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
