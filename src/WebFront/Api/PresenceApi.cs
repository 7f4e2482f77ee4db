using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains;
using Social.Grains.Presence;
using Social.WebFront.Auth;

namespace Social.WebFront.Api;

/// <summary>The caller's own presence: <c>online</c>, <c>away</c> or <c>offline</c>, and whether it is hidden.</summary>
public sealed record OwnPresenceResponse(string Status, bool Hidden);

public sealed record PresenceSettingsRequest(bool? Hidden);

/// <summary>The caller's presence setting (docs/api.md, presence). Friends' presence comes with the friend list.</summary>
public static class PresenceApi
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/presence").WithTags("Presence").RequireAuthorization();
        group.MapGet("/me", GetMine);
        group.MapPut("/me", Update);
        return routes;
    }

    public static async Task<Ok<OwnPresenceResponse>> GetMine(ClaimsPrincipal principal, IGrainFactory grains) =>
        TypedResults.Ok(ToResponse(await grains.GetPresence(principal.UserId()).GetOwn()));

    public static async Task<Results<Ok<OwnPresenceResponse>, ProblemHttpResult>> Update(
        PresenceSettingsRequest? request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        if (request?.Hidden is not { } hidden)
        {
            return Problems.Validation("hidden", "Required: true or false.");
        }

        var presence = grains.GetPresence(principal.UserId());
        await presence.SetHidden(hidden);
        return TypedResults.Ok(ToResponse(await presence.GetOwn()));
    }

    private static OwnPresenceResponse ToResponse(OwnPresence own) =>
        new(new PresenceView(own.Status, null).ContractStatus, own.Hidden);
}
