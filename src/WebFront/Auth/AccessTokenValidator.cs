using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Social.WebFront.Auth;

/// <summary>
/// Validates a token that did not arrive in a header (the raw WebSocket's auth frame) with the
/// very same parameters the bearer schemes use, so both paths accept exactly the same tokens.
/// </summary>
public sealed class AccessTokenValidator(IOptionsMonitor<JwtBearerOptions> schemes, IOptions<AuthOptions> auth, ExternalUserProvisioning provisioning, SessionCheck sessions)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The <see cref="ConnectionPrincipal"/> of a valid token (its <c>sub</c> a usable user id), or null.</summary>
    public async Task<ClaimsPrincipal?> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || AuthSetup.UnvalidatedIssuer(token) is not { } issuer)
        {
            return null;
        }

        var external = auth.Value.External;
        var scheme = external.IsConfigured && issuer == external.Issuer
            ? AuthSetup.ExternalScheme
            : AuthSetup.SocialScheme;
        var options = schemes.Get(scheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetConfigurationAsync(CancellationToken.None);
            parameters.IssuerSigningKeys = configuration.SigningKeys;
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return null;
        }

        // The same subject rules and account ownership as the bearer schemes and their middleware.
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        return Subjects.IsUsable(principal) && await sessions.IsCurrentAsync(principal, CancellationToken.None)
            && await provisioning.EnsureAccountAsync(principal, CancellationToken.None)
            ? ConnectionPrincipal.From(principal)
            : null;
    }

    /// <summary>When a token (already validated) stops being valid; null when it never does.</summary>
    public DateTimeOffset? ExpiresAt(string token)
    {
        var validTo = _handler.ReadJsonWebToken(token).ValidTo;
        return validTo == DateTime.MinValue ? null : new DateTimeOffset(validTo, TimeSpan.Zero);
    }
}
