using Social.Testing.Hosting;

namespace Social.Web.Tests;

/// <summary>The session and profile settings, in a real browser (issue 12).</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class ProfileSettingsTests(BrowserFixture browser)
{
    [Fact(Timeout = 180_000)]
    public async Task After_the_embedded_server_restarts_without_the_account_the_page_goes_back_to_sign_in()
    {
        var port = FreePort.Next();
        var server = await WebServer.StartAsync(port);
        IBrowserContext? context = null;
        try
        {
            var alice = await server.RegisterAsync("alice", "Alice");
            context = await browser.NewContextAsync(server.BaseAddress);
            var page = await SocialPage.OpenAsync(context);
            await page.SignInAsync(alice);

            // In-memory storage: the server that comes back on the same address has no accounts,
            // but its key still validates the page's token.
            await server.DisposeAsync();
            await Expect(page.ConnectionState).ToHaveTextAsync("Reconnecting…");
            server = await WebServer.StartAsync(port);

            await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.Page.GetByText("Your session has ended. Please sign in again.")).ToBeVisibleAsync();
            await Expect(page.Page.Locator("#topbar")).ToBeHiddenAsync();
            Assert.Null(await page.Page.EvaluateAsync<string?>("localStorage.getItem('social.session')"));
            page.AssertHealthy();
        }
        finally
        {
            if (context is not null)
            {
                await context.CloseAsync();
            }

            await server.DisposeAsync();
        }
    }
}
