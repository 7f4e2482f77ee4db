using Microsoft.Extensions.Options;

namespace Social.WebFront.Overload;

public static class OverloadSetup
{
    /// <summary>Send admission (<see cref="SendGate"/>, <see cref="ThreadPoolLag"/>), configured by <see cref="OverloadOptions"/>.</summary>
    public static WebApplicationBuilder AddSocialOverload(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OverloadOptions>().BindConfiguration(OverloadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<OverloadOptions>>().Value;
            return new ThreadPoolLag(services.GetRequiredService<TimeProvider>(), options.MaxThreadPoolLag, options.SaturationWindow);
        });
        builder.Services.AddHostedService<ThreadPoolLagProbe>();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<OverloadOptions>>().Value;
            return new SendLatencyLimit(
                services.GetRequiredService<TimeProvider>(), options.MaxConcurrentSends, options.MinConcurrentSends, options.SendLatencyTarget, options.SendLatencyInterval);
        });
        builder.Services.AddSingleton<SendGate>();
        return builder;
    }
}
