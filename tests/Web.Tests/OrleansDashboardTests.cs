namespace Social.Web.Tests;

/// <summary>The Orleans Dashboard at /dashboard/ in a real browser: refused without the admin key, working with it.</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class OrleansDashboardTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>
{
    private Task<IBrowserContext> NewContextAsync(HttpCredentials? credentials = null, Dictionary<string, string>? headers = null) =>
        browser.NewContextAsync(shared.Server.BaseAddress, configure: options =>
        {
            options.HttpCredentials = credentials;
            options.ExtraHTTPHeaders = headers;
        });

    [Theory(Timeout = 120_000)]
    [InlineData(null)]
    [InlineData("not-the-admin-key")]
    public async Task The_dashboard_is_refused_without_the_admin_key(string? password)
    {
        await using var context = await NewContextAsync(password is null ? null : new HttpCredentials { Username = "admin", Password = password });
        var page = await context.NewPageAsync();

        // The server answers 401 with a Basic challenge. Headless Chromium with no credentials fails
        // the navigation; with wrong ones it shows the 401 answer. Either way no dashboard.
        IResponse? response = null;
        try
        {
            response = await page.GotoAsync("/dashboard/");
        }
        catch (PlaywrightException refused) when (refused.Message.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal))
        {
        }

        Assert.Equal(401, response?.Status ?? 401);
        await Expect(page.GetByText("Total Activations")).ToHaveCountAsync(0);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_dashboard_shows_the_cluster_with_the_admin_key_as_password()
    {
        await using var context = await NewContextAsync(new HttpCredentials { Username = "admin", Password = WebServer.AdminKey });
        var page = await context.NewPageAsync();
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Status} {response.Url}");
            }
        };

        var response = await page.GotoAsync("/dashboard/");

        Assert.Equal(200, response!.Status);
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        // Filled in from the dashboard's own API calls, which the browser makes with the same credentials.
        await Expect(page.GetByText("Total Activations").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("Active Silos").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "orleans-dashboard");
        Assert.DoesNotContain(failed, url => !url.StartsWith("401 ", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_dashboard_also_accepts_the_x_admin_key_header()
    {
        await using var context = await NewContextAsync(headers: new() { ["X-Admin-Key"] = WebServer.AdminKey });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/dashboard/");

        Assert.Equal(200, response!.Status);
        await Expect(page.GetByText("Total Activations").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
