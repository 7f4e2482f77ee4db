using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Social.Grains.Messages;
using Social.Grains.Realtime;
using Social.WebFront.Api;

namespace Social.WebFront.Hosting;

/// <summary>
/// Does once, while the front starts, what its first users would otherwise wait for: the first
/// Prometheus scrape (the exporter builds and compiles its whole serializer then) and every hub
/// protocol's handling of a <c>SendMessage</c> call, its acknowledgement and the
/// <c>new_message</c> event (serializers build a type's converters at first use). The host's
/// start waits for the protocols, bounded by <see cref="Limit"/>; the scrape runs once the app has
/// started (the endpoints are not all there before). A failure is logged and ignored.
/// The silo's part is <c>StoreWarmUp</c>. Why: BENCHMARKS.md, "Cold start: warm-up".
/// </summary>
internal sealed partial class FrontWarmUp(
    EndpointDataSource endpoints, IHubProtocolResolver protocols, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<FrontWarmUp> logger)
    : IHostedService
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = RunAsync("metrics scrape", ScrapeMetricsAsync, lifetime.ApplicationStopping));
        await RunAsync("hub protocols", () => Task.Run(WriteHubMessages, cancellationToken), cancellationToken);
    }

    /// <summary>Runs one part; <paramref name="warmUp"/> answers false when there was nothing to warm.</summary>
    private async Task RunAsync(string part, Func<Task<bool>> warmUp, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (await warmUp().WaitAsync(Limit, cancellationToken))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                WarmedUp(logger, part, elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping before it finished: nothing to warm any more.
        }
        catch (Exception exception)
        {
            WarmUpFailed(logger, part, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the <c>/metrics</c> endpoint in-process, into nothing (there is none when telemetry is off).</summary>
    private async Task<bool> ScrapeMetricsAsync()
    {
        var scrape = endpoints.Endpoints.OfType<RouteEndpoint>()
            .FirstOrDefault(endpoint => endpoint.RoutePattern.RawText?.TrimStart('/') == "metrics");
        if (scrape?.RequestDelegate is not { } invoke)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        context.Response.Body = Stream.Null;
        await invoke(context);
        return context.Response.StatusCode == StatusCodes.Status200OK
            ? true
            : throw new InvalidOperationException($"The metrics endpoint answered {context.Response.StatusCode}.");
    }

    /// <summary>A message sent, acknowledged and pushed, in every protocol the hub speaks.</summary>
    private bool WriteHubMessages()
    {
        var message = new Message("warm-up", "warm-up", 1, "warm-up", "warm-up", "warm-up", DateTimeOffset.UnixEpoch, IsGreeting: false, ClientMessageId: "warm-up");
        var request = new SendMessageRequest("warm-up", "warm-up", "warm-up");
        var binder = new SendMessageBinder();
        foreach (var protocol in protocols.AllProtocols)
        {
            var call = new ReadOnlySequence<byte>(protocol.GetMessageBytes(new InvocationMessage("1", nameof(Realtime.MessagesHub.SendMessage), [request])));
            protocol.TryParseMessage(ref call, binder, out _);
            protocol.GetMessageBytes(CompletionMessage.WithResult("1", message));
            protocol.GetMessageBytes(new InvocationMessage("new_message", [message]));
            protocol.GetMessageBytes(new InvocationMessage("new_message", [message, new EventPosition(1, 1)]));
        }

        return true;
    }

    private sealed class SendMessageBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(SendMessageRequest)];

        public Type GetReturnType(string invocationId) => typeof(Message);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the front's {Part} in {ElapsedMs:F0} ms")]
    private static partial void WarmedUp(ILogger logger, string part, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up the front's {Part} failed; the first users will pay for it")]
    private static partial void WarmUpFailed(ILogger logger, string part, Exception exception);
}
