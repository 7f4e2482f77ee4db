using Orleans.Runtime;

namespace Social.Silo.Hosting;

/// <summary>Says once, when the host has started, where this silo listens (scripts and operators read it).</summary>
internal sealed partial class SiloAnnouncer(ILocalSiloDetails silo, IHostApplicationLifetime lifetime, ILogger<SiloAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Started(logger, silo.Name, silo.SiloAddress, silo.GatewayAddress, Environment.ProcessId));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} started: silo {SiloAddress}, gateway {GatewayAddress}, pid {ProcessId}")]
    private static partial void Started(ILogger logger, string siloName, SiloAddress siloAddress, SiloAddress? gatewayAddress, int processId);
}
