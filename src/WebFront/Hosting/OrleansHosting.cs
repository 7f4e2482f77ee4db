using Social.Grains;
using Social.Grains.Hosting;
using Social.Storage;
using Social.Storage.Messages;

namespace Social.WebFront.Hosting;

public static class OrleansHosting
{
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
                client.AddSocialStreams();
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
