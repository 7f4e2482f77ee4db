namespace Social.WebFront.Realtime;

/// <summary>
/// For a front that is an Orleans client: when the connection to the cluster comes back after
/// being lost, subscribe every connected user's stream again, so nobody stays deaf.
/// </summary>
public sealed class ResubscribeOnReconnect(IServiceProvider services) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (connectionRecovered)
        {
            // Resolved lazily: the subscriptions need the cluster client, which needs this observer.
            _ = services.GetRequiredService<UserStreamSubscriptions>().ResubscribeAllAsync();
        }
    }

    public void NotifyClusterConnectionLost()
    {
    }
}
