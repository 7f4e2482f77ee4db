using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Social.Grains.Telemetry;

/// <summary>
/// The Orleans Dashboard at <see cref="Path"/>, behind the admin key (<c>Admin:ApiKey</c>): given
/// as the <c>X-Admin-Key</c> header, or as the password of HTTP Basic authentication (any user
/// name) so that a browser asks for it and sends it with every request the dashboard makes.
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";
    public const string Scheme = "AdminKey";
    public const string Policy = "Admin";

    public static IServiceCollection AddAdminKeyAuthentication(this IServiceCollection services, string adminKey)
    {
        services.AddAuthentication().AddScheme<AdminKeyOptions, AdminKeyHandler>(Scheme, options => options.Key = adminKey);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Maps the dashboard, requiring the admin key (call only with an admin key configured).</summary>
    public static IEndpointConventionBuilder MapSocialDashboard(this IEndpointRouteBuilder routes) =>
        routes.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(Policy);
}

public sealed class AdminKeyOptions : AuthenticationSchemeOptions
{
    public string Key { get; set; } = "";
}

internal sealed class AdminKeyHandler(IOptionsMonitor<AdminKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AdminKeyOptions>(options, logger, encoder)
{
    public const string AdminSubject = "$admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = GivenKey(Request);
        if (given is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.Key.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(Options.Key)))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong admin key."));
        }

        // A subject, so the front's per-caller request limit (which keys on `sub`) gives the
        // dashboard's polling one bucket of its own; it names no user and grants nothing else.
        var identity = new ClaimsIdentity([new Claim("sub", AdminSubject), new Claim(ClaimTypes.Name, "admin")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Social admin\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private static string? GivenKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Admin-Key", out var header))
        {
            return header.ToString();
        }

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
