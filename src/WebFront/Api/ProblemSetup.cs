using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace Social.WebFront.Api;

public static class ProblemSetup
{
    /// <summary>
    /// Every error leaves as problem+json with a <c>code</c>: our own refusals carry theirs, and
    /// framework responses (401 from authentication, 404 for unknown routes, bad JSON) get one
    /// from their status.
    /// </summary>
    public static WebApplicationBuilder AddSocialProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Extensions.TryAdd("code", Problems.CodeForStatus(status));
            if (status == StatusCodes.Status400BadRequest && !problem.Extensions.ContainsKey("errors"))
            {
                problem.Extensions["errors"] = new Dictionary<string, string[]>
                {
                    ["request"] = [problem.Detail ?? "The request is not valid."],
                };
            }
        });
        builder.Services.AddExceptionHandler<SocialExceptionHandler>();

        // Binding failures (malformed JSON, wrong types) throw, so they reach the exception
        // handler and become 400 validation_failed with the reason.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options =>
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        return builder;
    }

    public static WebApplication UseSocialProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>Maps exceptions to problems: bad requests to 400, a cluster that does not answer to 503, the rest to 500.</summary>
public sealed partial class SocialExceptionHandler(IProblemDetailsService problems, ILogger<SocialExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, Problems.CodeForStatus(bad.StatusCode), Describe(bad)),
            FormatException format => (400, Problems.Codes.ValidationFailed, format.Message),
            Overload.OverloadedException overloaded => (503, Problems.Codes.Unavailable, overloaded.Message),
            _ when Overload.ClusterFailures.IsClusterUnavailable(exception) => (503, Problems.Codes.Unavailable, "The cluster did not answer in time; retry."),
            _ when Overload.ClusterFailures.IsStoreBusy(exception) => (503, Problems.Codes.Unavailable, "The store is busy; retry."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, Problems.Codes.ClientClosedRequest, "The client went away."),
            _ => (500, Problems.Codes.InternalError, "An unexpected error occurred."),
        };

        // Shed load (OverloadedException) is expected under pressure: not logged per request
        // (social.messages.refused counts it).
        var shed = exception is Overload.OverloadedException;
        if (status == 503 && !shed)
        {
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        }
        else if (status >= 500 && !shed)
        {
            LogFailure(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        if (status == 503)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        httpContext.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = code.Replace('_', ' '),
            Detail = detail,
            Extensions = { ["code"] = code },
        };
        if (status == 400)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [detail] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json ? $"The body is not valid JSON for this request: {json.Message}" : bad.Message;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}
