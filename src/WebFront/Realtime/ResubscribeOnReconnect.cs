namespace Social.WebFront.Realtime;

/// <summary>
/// For a front that is an Orleans client: when the connection to the cluster comes back after
/// being lost, subscribe every connected user's stream again, so nobody stays deaf; when a
/// gateway goes away (a silo died, taking its stream queues and users' grains with it), check
/// every connected user's event position and repair what was lost.
/// </summary>
public sealed class ResubscribeOnReconnect(IServiceProvider services) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        // Resolved lazily: the subscriptions need the cluster client, which needs this observer.
        if (connectionRecovered)
        {
            _ = services.GetRequiredService<UserStreamSubscriptions>().ResubscribeAllAsync();
        }
        else if (currentNumberOfGateways < previousNumberOfGateways)
        {
            _ = services.GetRequiredService<UserStreamSubscriptions>().VerifyAllAsync();
        }
    }

    public void NotifyClusterConnectionLost()
    {
    }
}
