using Microsoft.AspNetCore.SignalR;
using Social.WebFront.Overload;

namespace Social.WebFront.Realtime;

/// <summary>
/// Gives hub callers the same answer REST gives when the server cannot serve them: a cluster that
/// does not answer in time, or a front at capacity, is a HubException starting with
/// <c>unavailable</c> (with how long to wait), never SignalR's bare "An unexpected error occurred".
/// </summary>
public sealed class HubFailureFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (OverloadedException overloaded)
        {
            throw HubRefusals.Unavailable("The server is at capacity.", overloaded.RetryAfter);
        }
        catch (Exception exception) when (ClusterFailures.IsClusterUnavailable(exception))
        {
            throw HubRefusals.Unavailable("The cluster did not answer in time.", TimeSpan.FromSeconds(1));
        }
    }
}
