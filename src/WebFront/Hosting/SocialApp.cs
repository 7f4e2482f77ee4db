using Microsoft.AspNetCore.Identity;
using Social.Grains.Hosting;
using Social.Storage.Accounts;
using Social.WebFront.Api;
using Social.WebFront.Auth;
using Social.WebFront.Health;
using Social.WebFront.Overload;
using Social.WebFront.Presence;
using Social.WebFront.Realtime;
using Social.WebFront.Telemetry;

namespace Social.WebFront.Hosting;

/// <summary>The whole server: its services and its request pipeline (Program, and the warm-up's sandbox copy).</summary>
public static class SocialApp
{
    public static WebApplicationBuilder AddSocialServer(this WebApplicationBuilder builder)
    {
        // Before the silo: the sandbox must run before the real silo starts taking calls.
        if (SandboxWarmUp.IsEnabled(builder.Configuration))
        {
            builder.Services.AddHostedService<SandboxWarmUp>();
        }

        builder.AddSocialOrleans();
        builder.AddSocialAuth();
        builder.AddSocialProblems();
        builder.AddSocialRateLimiting();
        builder.AddSocialHealth();
        builder.AddSocialRealtime();
        builder.AddSocialPresence();
        builder.AddSocialOverload();
        builder.AddHubRefusalLogging();
        builder.AddTokenSafeRequestLogging();
        builder.AddSocialTelemetry();
        builder.Services.AddSocialGrainOptions(builder.Configuration);
        builder.Services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        builder.Services.AddOpenApi();
        builder.Services.AddHostedService<FrontWarmUp>();
        return builder;
    }

    public static WebApplication UseSocialServer(this WebApplication app)
    {
        app.UseSocialProblems();
        app.UseSocialSecurityHeaders();

        // The web client (generated into wwwroot from web/ by the build). no-cache: browsers revalidate
        // the unversioned modules, so a new build is picked up on reload.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache" });
        app.UseSocialWebSockets();
        app.UseAuthentication();
        app.UseExternalUserProvisioning();
        app.UseAuthorization();

        // ASP.NET Core's rate limiting middleware never disposes the limiter it creates, whose
        // timer then keeps a stopped host alive (dotnet/aspnetcore#69061): the warm-up's sandbox,
        // which sends nothing rate-limited, goes without it.
        if (!SandboxWarmUp.IsSandbox(app.Configuration))
        {
            app.UseRateLimiter();
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapSocialHealth();
        app.MapSocialTelemetry();
        app.MapAuthApi();
        app.MapAdminApi(app.Configuration);
        app.MapUsersApi();
        app.MapProfileApi();
        app.MapFriendsApi();
        app.MapMessagesApi();
        app.MapGroupsApi();
        app.MapPresenceApi();
        app.MapSocialRealtime();
        return app;
    }
}
