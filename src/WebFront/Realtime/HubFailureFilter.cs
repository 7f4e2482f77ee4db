using Microsoft.AspNetCore.SignalR;
using Orleans.Runtime;
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
            throw new HubException($"unavailable: The server is at capacity. Retry after {Math.Ceiling(overloaded.RetryAfter.TotalSeconds)} s.");
        }
        catch (Exception exception) when (exception is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException)
        {
            throw new HubException("unavailable: The cluster did not answer in time. Retry after 1 s.");
        }
    }
}
