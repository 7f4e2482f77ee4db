using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Users;
using Social.Storage.Accounts;

namespace Social.WebFront.Api;

public sealed record SetPlanRequest(string? Plan);

/// <summary>Admin routes, guarded by the <c>X-Admin-Key</c> header; absent (404) unless <c>Admin:ApiKey</c> is set.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        var apiKey = configuration["Admin:ApiKey"];
        if (string.IsNullOrEmpty(apiKey))
        {
            return routes;
        }

        var group = routes.MapGroup("/api/admin").WithTags("Admin").AllowAnonymous()
            .AddEndpointFilter(async (context, next) =>
                HasKey(context.HttpContext.Request, apiKey)
                    ? await next(context)
                    : Problems.Unauthorized("A valid X-Admin-Key header is required."));
        group.MapPut("/users/{userId}/plan", SetPlan).Accepts<SetPlanRequest>("application/json");
        return routes;
    }

    /// <summary>
    /// Reads its body itself: a bound body would be read (and a missing or malformed one refused
    /// with 400) before the key filter runs, and a caller without the key must learn nothing but 401.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SetPlan(
        string userId, HttpRequest httpRequest, IUserDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Inputs.IsValidId(userId))
        {
            return Inputs.InvalidId("userId");
        }

        SetPlanRequest? request;
        try
        {
            request = httpRequest.HasJsonContentType() ? await httpRequest.ReadFromJsonAsync<SetPlanRequest>(cancellationToken) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            request = null;
        }

        Plan? plan = request?.Plan switch
        {
            "free" => Plan.Free,
            "pro" => Plan.Pro,
            _ => null,
        };
        if (plan is null)
        {
            return Problems.Validation("plan", "Must be \"free\" or \"pro\".");
        }

        if (await directory.FindByIdAsync(userId, cancellationToken) is null)
        {
            return Problems.UserNotFound();
        }

        await grains.GetUser(userId).SetPlan(plan.Value);
        return TypedResults.NoContent();
    }

    private static bool HasKey(HttpRequest request, string apiKey)
    {
        var given = request.Headers["X-Admin-Key"].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(apiKey));
    }
}
