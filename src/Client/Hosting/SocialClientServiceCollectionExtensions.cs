using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Social.Client;

/// <summary>Registers <see cref="SocialClient"/> with <c>IHttpClientFactory</c>.</summary>
public static class SocialClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SocialClient"/> as a typed HTTP client (a new client, with its own
    /// sign-in, per resolution: keep one per signed-in user). Returns the HTTP client builder, to
    /// add handlers or resilience.
    /// </summary>
    public static IHttpClientBuilder AddSocialClient(this IServiceCollection services, Action<SocialClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocialClientOptions>().Configure(configure);
        return services
            .AddHttpClient(nameof(SocialClient), (provider, http) =>
                http.BaseAddress = provider.GetRequiredService<IOptions<SocialClientOptions>>().Value.BaseAddress)
            .AddTypedClient((http, provider) => new SocialClient(http, Copy(provider.GetRequiredService<IOptions<SocialClientOptions>>().Value)));
    }

    /// <summary>Each client gets its own options object (the token hook and clock are shared, settings copied).</summary>
    private static SocialClientOptions Copy(SocialClientOptions source)
    {
        var copy = new SocialClientOptions
        {
            BaseAddress = source.BaseAddress,
            RefreshAccessToken = source.RefreshAccessToken,
            RefreshMargin = source.RefreshMargin,
            TimeProvider = source.TimeProvider,
        };
        copy.Realtime.FirstRetryDelay = source.Realtime.FirstRetryDelay;
        copy.Realtime.MaxRetryDelay = source.Realtime.MaxRetryDelay;
        copy.Realtime.CatchUpConversations = source.Realtime.CatchUpConversations;
        copy.Realtime.ConfigureHub = source.Realtime.ConfigureHub;
        copy.Realtime.ConfigureConnection = source.Realtime.ConfigureConnection;
        return copy;
    }
}
