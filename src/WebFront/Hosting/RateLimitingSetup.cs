using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Social.Grains.RateLimiting;
using Social.WebFront.Api;
using Social.WebFront.Auth;

namespace Social.WebFront.Hosting;

/// <summary>
/// The front end's own limits, per front end: every signed-in user's requests to any route (a
/// token bucket keyed by the token's user id), searches per user, and, for the routes that need
/// no token, limits per client address (registrations, logins, the rest). The limits that must
/// hold cluster-wide (messages, friend requests, greetings, failed logins per username) are the
/// grains'.
/// </summary>
public static class RateLimitingSetup
{
    public const string LoginPolicy = "logins";
    public const string SearchPolicy = "searches";

    public static WebApplicationBuilder AddSocialRateLimiting(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.Identity?.IsAuthenticated == true
                    ? RateLimitPartition.GetTokenBucketLimiter("u:" + context.User.UserId(), _ => PerSecond(limits.RequestsPerSecond, limits.RequestBurst))

                    // Registration and login have their own limits per address (below).
                    : context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null
                        ? RateLimitPartition.GetNoLimiter("")
                        : RateLimitPartition.GetTokenBucketLimiter("a:" + Address(context), _ => PerSecond(limits.AnonymousRequestsPerSecond, limits.AnonymousRequestsPerSecond)));
            options.AddPolicy(AuthApi.RegistrationPolicy, context => PerMinuteByAddress(context, limits.RegistrationsPerMinute));
            options.AddPolicy(LoginPolicy, context => PerMinuteByAddress(context, Math.Max(limits.LoginsPerMinute, limits.RegistrationsPerMinute)));
            options.AddPolicy(SearchPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : Address(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.SearchesPerMinute,
                    TokensPerPeriod = limits.SearchesPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var problem = Problems.RateLimited(context.HttpContext.Response, retryAfter);
                await problem.ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>The client's address: behind a proxy, right only when forwarded headers are configured (docs/security.md).</summary>
    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerMinuteByAddress(HttpContext context, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(
            Address(context),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    /// <summary>A bucket of <paramref name="burst"/> tokens refilled at <paramref name="perSecond"/> (in 100 ms steps).</summary>
    private static TokenBucketRateLimiterOptions PerSecond(double perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond / 10)),
        ReplenishmentPeriod = TimeSpan.FromSeconds(perSecond >= 10 ? 0.1 : 1 / perSecond),
        QueueLimit = 0,
    };
}
