using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Social.WebFront.Api;

namespace Social.WebFront.Auth;

/// <summary>
/// The <c>sub</c> claim is the caller's user id, so it is checked like any id that arrives from
/// outside: exactly one, a JSON string, 1 to 100 characters, no control or format characters.
/// A token whose subject fails (none, an array, a number, empty, too long, NUL-bearing) is not valid.
/// </summary>
public static class Subjects
{
    public static bool IsUsable(ClaimsPrincipal? principal)
    {
        var subjects = principal?.FindAll(JwtRegisteredClaimNames.Sub).ToList() ?? [];
        return subjects is [{ ValueType: ClaimValueTypes.String } subject] && Inputs.IsValidId(subject.Value);
    }
}
