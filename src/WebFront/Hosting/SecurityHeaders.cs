namespace Social.WebFront.Hosting;

public static class SecurityHeaders
{
    /// <summary>
    /// Response headers for every response, the web client's pages among them: no MIME sniffing,
    /// no framing by other sites (clickjacking), no referrer leaving the site, and HSTS on HTTPS
    /// requests outside development (browsers then refuse plain HTTP to this host).
    /// </summary>
    public static WebApplication UseSocialSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// ASP.NET Core's request start and finish lines carry the full URL, and SignalR's browser
    /// clients put the access token in the query string (<c>access_token</c>): those lines are
    /// kept below Information so that a token never reaches the logs.
    /// </summary>
    public static WebApplicationBuilder AddTokenSafeRequestLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }
}
