using System.Data.Common;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Social.WebFront.Overload;

/// <summary>
/// The failures a caller should retry: the cluster did not answer (a grain call that timed out,
/// a silo that is gone or refused the message, no gateway) or the store is busy. REST answers
/// them with <c>503 unavailable</c>, the hub and the raw WebSocket with the same code.
/// </summary>
public static class ClusterFailures
{
    public static bool IsRetryable(Exception exception) => IsClusterUnavailable(exception) || IsStoreBusy(exception);

    /// <summary>
    /// A grain call that timed out, a silo that is gone or refused the message, no gateway that
    /// answers (every silo down: <see cref="ConnectionFailedException"/>) or a busy one.
    /// </summary>
    public static bool IsClusterUnavailable(Exception exception) =>
        exception is TimeoutException or OrleansMessageRejectionException or ClientNotAvailableException
            or ConnectionFailedException or GatewayTooBusyException;

    /// <summary>
    /// A transient database failure anywhere in the chain (a pool with no free connection before
    /// its timeout, "too many clients", a lost connection), also when it reached us through a grain.
    /// </summary>
    public static bool IsStoreBusy(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true })
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStoreBusy))
            {
                return true;
            }
        }

        return false;
    }
}
