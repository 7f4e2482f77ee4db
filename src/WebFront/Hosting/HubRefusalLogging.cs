using Microsoft.AspNetCore.SignalR;

namespace Social.WebFront.Hosting;

/// <summary>
/// Logs hub method failures the way REST logs its responses: a refused rule (a
/// <see cref="HubException"/>, which carries the contract's code to the client) is not an error
/// and is logged at Debug without a stack trace; anything else is an Error with its exception.
/// SignalR's own dispatcher would log every one of them at Error with the stack (about 950 bytes a
/// refusal, so one client refusing itself in a loop wrote 48 MB of log in 10 s), so its category is
/// left to this filter.
/// </summary>
public sealed partial class HubRefusalLogging(ILogger<HubRefusalLogging> logger) : IHubFilter
{
    /// <summary>The category SignalR logs "Failed to invoke hub method" in.</summary>
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext);
        }
        catch (HubException refusal)
        {
            LogRefused(logger, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier, refusal.Message);
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier, exception);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub method {HubMethod} refused for {UserId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string hubMethod, string? userId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {HubMethod} failed for {UserId}")]
    private static partial void LogFailed(ILogger logger, string hubMethod, string? userId, Exception exception);
}

public static class HubRefusalLoggingSetup
{
    /// <summary>
    /// Hands <see cref="HubRefusalLogging"/> SignalR's failure logging; the filter itself is
    /// registered by <c>AddSocialRealtime</c>, outside <c>HubFailureFilter</c>.
    /// </summary>
    public static WebApplicationBuilder AddHubRefusalLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HubRefusalLogging.DispatcherCategory, LogLevel.None);
        return builder;
    }
}
