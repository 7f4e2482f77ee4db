using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Social.Grains.Hosting;
using Social.LoadTest.Measuring;
using Social.Storage;
using Social.Testing.Hosting;

namespace Social.LoadTest.Hosting;

/// <summary>
/// A silo inside the load tester on PostgreSQL, built by the production hosting code, with the
/// abuse limits raised so that they are not what is measured. Logs warnings only, on stderr.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <param name="services">Changes to the silo's services after the production ones (measurement hooks).</param>
    public static async Task<InProcessSilo> StartAsync(string connectionString, CancellationToken cancellationToken, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Settings to compare, as the server takes them (e.g. Social__Storage__MessageAppendWriters=4);
        // the ones below are the tester's own and win.
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = connectionString,
            ["Social:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:FriendRequestsPerMinute"] = "1000000",
            ["Social:RateLimits:MessagesPerSecond"] = "1000000",
            ["Social:RateLimits:MessageBurst"] = "1000000",
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocialStorage(connectionString);
        builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));
        services?.Invoke(builder.Services);

        var host = builder.Build();
        Progress.Say("Starting the silo (in this process)...");
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new InProcessSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _host.StopAsync(stopping.Token);
        }
        catch (Exception exception)
        {
            Progress.Say($"The silo did not stop cleanly: {exception.Message}");
        }

        _host.Dispose();
    }
}
