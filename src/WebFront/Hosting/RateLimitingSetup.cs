using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Social.Grains.RateLimiting;
using Social.WebFront.Api;

namespace Social.WebFront.Hosting;

public static class RateLimitingSetup
{
    /// <summary>Registrations per client address, per front end (the contract's abuse limit).</summary>
    public static WebApplicationBuilder AddSocialRateLimiting(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(AuthApi.RegistrationPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RegistrationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var problem = Problems.RateLimited(context.HttpContext.Response, retryAfter);
                await problem.ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }
}
