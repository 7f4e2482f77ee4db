using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Social.WebFront.Auth;

/// <summary>
/// What a long-lived connection keeps of its token once it is validated: the subject, the issuer
/// and the session version (all that the hub, the raw WebSocket and <see cref="SessionCheck"/>
/// read later). The validated principal holds every claim with its properties and the parsed
/// token, a few KB that an idle connection would otherwise carry for hours (BENCHMARKS.md,
/// idle memory). Hub connections get it in the bearer scheme's token-validated event, because
/// the request's authentication result (which the connection keeps) is what holds the token.
/// </summary>
public static class ConnectionPrincipal
{
    private static readonly string[] Kept = [JwtRegisteredClaimNames.Sub, JwtRegisteredClaimNames.Iss, SessionCheck.VersionClaim];

    public static ClaimsPrincipal From(ClaimsPrincipal validated)
    {
        ArgumentNullException.ThrowIfNull(validated);
        var claims = validated.Claims
            .Where(claim => Kept.Contains(claim.Type, StringComparer.Ordinal))
            .Select(claim => new Claim(claim.Type, claim.Value, claim.ValueType));
        var identity = validated.Identity as ClaimsIdentity;
        return new ClaimsPrincipal(new ClaimsIdentity(
            claims, identity?.AuthenticationType ?? "Bearer", JwtRegisteredClaimNames.Sub, identity?.RoleClaimType ?? ClaimsIdentity.DefaultRoleClaimType));
    }
}
