using Social.Grains;
using Social.Grains.Hosting;
using Social.Grains.Telemetry;
using Social.Storage;
using Social.Storage.Messages;

namespace Social.WebFront.Hosting;

public static class OrleansHosting
{
    /// <summary>Orleans' <c>GatewayOptions</c> for a front in client mode.</summary>
    public const string GatewaySection = "Social:Cluster:Gateway";

    /// <summary>Orleans' <c>ClientMessagingOptions</c> for a front in client mode.</summary>
    public const string ClientMessagingSection = "Social:Cluster:ClientMessaging";

    /// <summary>
    /// How often a client-mode front re-reads the silos' gateways from the membership table
    /// (Orleans: 1 minute). A gateway whose connection breaks (a killed silo) is dropped at once;
    /// one that stops answering (a hung silo) only when this refresh finds it declared dead, and
    /// a silo that joins takes client traffic from the next refresh on.
    /// </summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a client-mode front waits for a grain call (Orleans: 30 s). A call in flight to a
    /// silo that hangs is not failed when membership declares the silo dead (Orleans does that
    /// for silos, not for clients), so this bounds how long such a request waits before it is
    /// answered 503 and can be retried.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The front end's link to the cluster. By default it hosts a silo in-process (one command,
    /// one complete server). With <c>Social:Cluster:Mode=client</c> it is a plain Orleans client
    /// of the silos registered in the PostgreSQL membership table.
    /// </summary>
    public static WebApplicationBuilder AddSocialOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString("Social");
        builder.Services.AddSocialStorage(connectionString);
        builder.Services.AddSocialMessageStore(connectionString);

        var mode = configuration[$"{SocialClusterOptions.Section}:Mode"];
        if (string.Equals(mode, "client", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Social:Cluster:Mode=client needs ConnectionStrings:Social to find the silos.");
            }

            builder.UseOrleansClient(client =>
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(options =>
                {
                    options.ClusterId = SocialNames.ClusterId;
                    options.ServiceId = SocialNames.ServiceId;
                });
                client.UseSocialPostgresClustering(connectionString);
                client.Services.AddOptions<Orleans.Configuration.GatewayOptions>()
                    .Configure(options => options.GatewayListRefreshPeriod = GatewayListRefreshPeriod)
                    .Bind(configuration.GetSection(GatewaySection));
                client.Services.AddOptions<Orleans.Configuration.ClientMessagingOptions>()
                    .Configure(options => options.ResponseTimeout = ResponseTimeout)
                    .Bind(configuration.GetSection(ClientMessagingSection));
                client.AddSocialStreams();
                client.AddSocialClientTelemetry(configuration);
                client.Services.AddSingleton<IClusterConnectionStatusObserver, Realtime.ResubscribeOnReconnect>();
            });
        }
        else
        {
            builder.UseOrleans(silo => silo.AddSocialSilo(configuration));
        }

        return builder;
    }
}
