using Orleans.Configuration;

namespace Social.Silo.Hosting;

public static class KubernetesHosting
{
    /// <summary>
    /// True inside a Kubernetes pod (<c>KUBERNETES_SERVICE_HOST</c>) whose manifest opted in by
    /// setting <c>ORLEANS_SERVICE_ID</c> (see <c>deploy/k8s/silo.yaml</c>).
    /// </summary>
    public static bool IsEnabled() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ORLEANS_SERVICE_ID"));

    /// <summary>
    /// Orleans' Kubernetes hosting: the pod name is the silo name, the pod IP is advertised and the
    /// silo listens on all the pod's addresses; <c>ORLEANS_SERVICE_ID</c> and
    /// <c>ORLEANS_CLUSTER_ID</c> become the cluster's ids (they must stay <c>social</c>, which the
    /// front ends use and stored grain state is keyed by); and the silos reconcile membership with
    /// the pods they watch. Ports still come from <c>Social:Cluster</c>. Clustering stays in PostgreSQL.
    /// </summary>
    public static ISiloBuilder UseSocialKubernetesHosting(this ISiloBuilder silo)
    {
        silo.UseKubernetesHosting();

        // AddSocialSilo advertised Social:Cluster:AdvertisedAddress; let Kubernetes hosting choose instead.
        silo.Configure<EndpointOptions>(options =>
        {
            options.AdvertisedIPAddress = null!;
            options.SiloListeningEndpoint = null!;
            options.GatewayListeningEndpoint = null!;
        });
        return silo;
    }
}
