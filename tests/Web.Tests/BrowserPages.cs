namespace Social.Web.Tests;

/// <summary>
/// The browser contexts and pages one test opens, closed when the test class is disposed (<see cref="CloseAsync"/>): the
/// setup every browser test class shares (a fresh context per user, signed in through the page).
/// </summary>
public sealed class BrowserPages(BrowserFixture browser, Func<Uri> baseAddress)
{
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<SocialPage> _pages = [];

    /// <summary>A fresh context (its own storage, so its own user), closed with the others.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool phone = false, Action<BrowserNewContextOptions>? configure = null)
    {
        var context = await browser.NewContextAsync(baseAddress(), phone, configure);
        _contexts.Add(context);
        return context;
    }

    /// <summary>The page opened in <paramref name="context"/>, or in a fresh one.</summary>
    public async Task<SocialPage> OpenAsync(IBrowserContext? context = null, bool phone = false)
    {
        var page = await SocialPage.OpenAsync(context ?? await NewContextAsync(phone));
        _pages.Add(page);
        return page;
    }

    /// <summary>A fresh context's page with <paramref name="user"/> signed in and connected.</summary>
    public async Task<SocialPage> SignedInAsync(TestUser user, bool phone = false, Action<BrowserNewContextOptions>? configure = null)
    {
        var page = await OpenAsync(await NewContextAsync(phone, configure));
        await page.SignInAsync(user);
        return page;
    }

    /// <summary>No page had a script error or opened a dialog.</summary>
    public void AssertHealthy()
    {
        foreach (var page in _pages)
        {
            page.AssertHealthy();
        }
    }

    /// <summary>Closes every context opened (call from the test class's DisposeAsync).</summary>
    public async Task CloseAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
    }
}
