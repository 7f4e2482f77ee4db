namespace Social.WebFront.Presence;

public static class PresenceSetup
{
    /// <summary>The front's presence reporting (options are bound with the grain options).</summary>
    public static WebApplicationBuilder AddSocialPresence(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PresenceTracker>());
        return builder;
    }
}
