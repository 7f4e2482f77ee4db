namespace Social.Web.Tests;

/// <summary>One tab of the web client, driven the way a person uses it (labels, roles, keys).</summary>
public sealed class SocialPage
{
    private SocialPage(IPage page)
    {
        Page = page;
        page.PageError += (_, error) => PageErrors.Add(error);
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    /// <summary>Uncaught script errors in the page.</summary>
    public List<string> PageErrors { get; } = [];

    /// <summary>alert/confirm/prompt dialogs the page opened (an XSS payload would open one).</summary>
    public List<string> Dialogs { get; } = [];

    public ILocator ConnectionState => Page.Locator("#connection-state");

    public ILocator UnreadBadge => Page.Locator("#unread-badge");

    public ILocator RequestsBadge => Page.Locator("#requests-badge");

    public ILocator Composer => Page.GetByLabel("Message", new() { Exact = true });

    public ILocator Messages => Page.Locator("#message-list .message");

    /// <summary>The outbox's messages in the open chat (not stored yet: sending, waiting or failed).</summary>
    public ILocator Pending => Page.Locator(".pending-list .message");

    public ILocator SearchResults => Page.GetByRole(AriaRole.List, new() { Name = "Search results" });

    public ILocator FriendList => Page.Locator("#friend-list");

    public static async Task<SocialPage> OpenAsync(IBrowserContext context)
    {
        var page = new SocialPage(await context.NewPageAsync());
        await page.Page.GotoAsync("/");
        return page;
    }

    public ILocator Message(string text) => Page.Locator("#message-list .message .text", new() { HasTextString = text });

    public static ILocator Person(ILocator list, string username) => list.Locator($"li.person[data-username='{username}']");

    public ILocator Conversation(string username) => Page.Locator($"#conversation-list a.conversation[data-peer-username='{username}']");

    public async Task SignUpAsync(string username, string? displayName = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(TestUsers.Password);
        if (displayName is not null)
        {
            await Page.GetByLabel("Display name (optional)").FillAsync(displayName);
        }

        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(ConnectionState).ToHaveTextAsync("Connected");
    }

    public async Task SignInAsync(TestUser user)
    {
        await Page.GetByLabel("Username").FillAsync(user.Username);
        await Page.GetByLabel("Password").FillAsync(user.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(ConnectionState).ToHaveTextAsync("Connected");
    }

    public async Task GoToFriendsAsync()
    {
        await Page.Locator("#nav-friends").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Find people" })).ToBeVisibleAsync();
    }

    public async Task GoToMessagesAsync()
    {
        await Page.Locator("#nav-messages").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Messages", Exact = true })).ToBeVisibleAsync();
    }

    public async Task SearchAsync(string query)
    {
        await Page.GetByLabel("Username or address").FillAsync(query);
        await Page.GetByLabel("Username or address").PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("found") })).ToBeVisibleAsync();
    }

    /// <summary>Opens the chat with a friend from the friend list.</summary>
    public async Task OpenChatFromFriendsAsync(string username)
    {
        await GoToFriendsAsync();
        await Person(FriendList, username).GetByRole(AriaRole.Link, new() { Name = "Message" }).ClickAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    /// <summary>Opens a conversation from the conversation list.</summary>
    public async Task OpenConversationAsync(string username)
    {
        await GoToMessagesAsync();
        await Conversation(username).ClickAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
        await Expect(Message(text)).ToBeVisibleAsync();
    }

    /// <summary>The page's own clock (all pages share the machine's), in milliseconds.</summary>
    public Task<double> NowAsync() => Page.EvaluateAsync<double>("Date.now()");

    public void AssertHealthy()
    {
        Assert.True(PageErrors.Count == 0, "Script errors: " + string.Join(" | ", PageErrors));
        Assert.True(Dialogs.Count == 0, "Dialogs opened: " + string.Join(" | ", Dialogs));
    }
}
