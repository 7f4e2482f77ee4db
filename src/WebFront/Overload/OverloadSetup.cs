namespace Social.WebFront.Overload;

public static class OverloadSetup
{
    /// <summary>Send admission (<see cref="SendGate"/>), configured by <see cref="OverloadOptions"/>.</summary>
    public static WebApplicationBuilder AddSocialOverload(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OverloadOptions>().BindConfiguration(OverloadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SendGate>();
        return builder;
    }
}
