using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Social.WebFront.Auth;

public static class AuthSetup
{
    private const string SelectorScheme = "Bearer";
    public const string SocialScheme = "Social";
    public const string ExternalScheme = "External";

    /// <summary>
    /// JWT bearer authentication: our own tokens, and an outside issuer's when configured. A
    /// selector scheme reads the (unvalidated) issuer and hands the token to the scheme that
    /// owns that issuer, so each issuer's key only ever validates that issuer's tokens.
    /// </summary>
    public static WebApplicationBuilder AddSocialAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        var key = SigningKeys.Resolve(options);
        builder.Services.AddSingleton(key);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<CredentialCheck>();
        builder.Services.AddSingleton<ExternalUserProvisioning>();
        builder.Services.AddSingleton<SessionCheck>();
        builder.Services.AddSingleton<SessionConnections>();

        var authentication = builder.Services
            .AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Social or external bearer token", policy =>
                policy.ForwardDefaultSelector = context => SelectScheme(context, options.External))
            .AddJwtBearer(SocialScheme, bearer =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = key,
                    NameClaimType = JwtRegisteredClaimNames.UniqueName,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                bearer.Events = QueryStringTokenForHubs();
            });

        if (options.External.IsConfigured)
        {
            authentication.AddJwtBearer(ExternalScheme, bearer =>
            {
                bearer.MapInboundClaims = false;
                bearer.Authority = options.External.Authority;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.External.Issuer,
                    ValidAudience = options.External.Audience,
                    ValidateAudience = !string.IsNullOrWhiteSpace(options.External.Audience),
                    IssuerSigningKey = string.IsNullOrWhiteSpace(options.External.SigningKey) ? null : SigningKeys.FromBase64(options.External.SigningKey),
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                bearer.Events = QueryStringTokenForHubs();
            });
        }

        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>After authentication: an outside issuer's user gets an account on first sight.</summary>
    public static WebApplication UseExternalUserProvisioning(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true
                && !await context.RequestServices.GetRequiredService<ExternalUserProvisioning>().EnsureAccountAsync(context.User, context.RequestAborted))
            {
                await Api.Problems.Unauthorized("This token's subject belongs to another issuer's user.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static string SelectScheme(HttpContext context, ExternalIssuerOptions external)
    {
        if (!external.IsConfigured)
        {
            return SocialScheme;
        }

        var token = ReadToken(context.Request);
        if (token is null)
        {
            return SocialScheme;
        }

        return UnvalidatedIssuer(token) == external.Issuer ? ExternalScheme : SocialScheme;
    }

    /// <summary>
    /// The issuer a token claims, before anything is validated; null when it cannot be read at all
    /// (the reader refuses some payloads outright, a <c>sub</c> that is an array for one). Such a
    /// token goes to our own scheme, which refuses it: 401, never 500.
    /// </summary>
    public static string? UnvalidatedIssuer(string token)
    {
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            return handler.ReadJsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return IsHubRequest(request) ? request.Query["access_token"].ToString() : null;
    }

    /// <summary>
    /// Browsers cannot set headers on WebSocket requests, so hubs take the token from the query
    /// string. A token is only valid with a usable subject (<see cref="Subjects"/>).
    /// </summary>
    private static JwtBearerEvents QueryStringTokenForHubs() => new()
    {
        OnTokenValidated = async context =>
        {
            if (!Subjects.IsUsable(context.Principal))
            {
                context.Fail("The token's 'sub' is missing or not a valid user id.");
                return;
            }

            // A user that no longer exists (the embedded server restarted), or a session that a
            // password change ended: the token is refused like an invalid one.
            var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionCheck>();
            if (!await sessions.IsCurrentAsync(context.Principal!, context.HttpContext.RequestAborted))
            {
                context.Fail("The token's session has ended.");
                return;
            }

            // A hub connection keeps its request's authentication result for its whole life, so it
            // keeps only the claims it needs; an outside user's account (which reads more of the
            // token) is provisioned first, and the provisioning middleware then finds it known.
            if (IsHubRequest(context.Request))
            {
                var provisioning = context.HttpContext.RequestServices.GetRequiredService<ExternalUserProvisioning>();
                if (!await provisioning.EnsureAccountAsync(context.Principal!, context.HttpContext.RequestAborted))
                {
                    context.Fail("This token's subject belongs to another issuer's user.");
                    return;
                }

                context.Principal = ConnectionPrincipal.From(context.Principal!);
            }
        },
        OnMessageReceived = context =>
        {
            var token = context.Request.Query["access_token"].ToString();
            if (!string.IsNullOrEmpty(token) && IsHubRequest(context.Request))
            {
                context.Token = token;
            }

            return Task.CompletedTask;
        },
    };

    private static bool IsHubRequest(HttpRequest request) => request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal);
}
