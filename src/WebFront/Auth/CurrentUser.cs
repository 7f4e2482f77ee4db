using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Social.WebFront.Auth;

public static class CurrentUser
{
    /// <summary>The caller's user id: the token's <c>sub</c>, never anything the client sends.</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub)
        ?? throw new InvalidOperationException("An authenticated principal without a 'sub' claim.");
}
