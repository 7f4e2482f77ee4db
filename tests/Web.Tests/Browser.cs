namespace Social.Web.Tests;

/// <summary>
/// One headless Chromium for the whole test run: Debian's <c>/usr/bin/chromium</c> (or
/// <c>SOCIAL_CHROMIUM</c>), driven by Microsoft.Playwright's bundled driver. Playwright's own
/// browser download is never used. Each test opens its own isolated browser contexts.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "SOCIAL_CHROMIUM";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The browser tests need Chromium at {executable} (apt-get install chromium, or set {ChromiumVariable}).");
        }

        SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Timeout = 60_000,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// A fresh context (its own storage, so its own signed-in user) at a desktop or phone size;
    /// <paramref name="configure"/> changes the options further (another width, permissions).
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, bool phone = false, Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = phone ? new() { Width = 375, Height = 740 } : new() { Width = 1280, Height = 800 },
            DeviceScaleFactor = 1,
            IsMobile = phone,
            HasTouch = phone,
            Locale = "en-US",
            TimezoneId = "UTC",
        };
        configure?.Invoke(options);
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return context;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTestsDefinition : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>Screenshots of the main screens, kept as test artifacts in TestResults/screenshots.</summary>
public static class Screenshots
{
    public static string Directory { get; } = Locate();

    public static async Task SaveAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(Directory, $"{name}.png"), FullPage = false });
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("SOCIAL_SCREENSHOTS") is { Length: > 0 } configured)
        {
            return System.IO.Directory.CreateDirectory(configured).FullName;
        }

        // The repository root (where Social.sln is), so CI finds them beside the .trx files.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Social.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? AppContext.BaseDirectory;
        return System.IO.Directory.CreateDirectory(Path.Combine(root, "TestResults", "screenshots")).FullName;
    }
}
