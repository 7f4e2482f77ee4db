namespace Social.Web.Tests;

/// <summary>Groups in a real browser: create from friends, chat with senders' names and "Seen by", manage members, rename, leave.</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class GroupClientTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    private Task<SocialPage> OpenAsync(TestUser user) => _pages.SignedInAsync(user);

    [Fact(Timeout = 180_000)]
    public async Task Owner_creates_a_group_from_friends_and_members_chat_see_seen_by_and_follow_changes()
    {
        var owner = await Server.RegisterAsync("owner", "Olga");
        var bea = await Server.RegisterAsync("bea", "Bea");
        var cal = await Server.RegisterAsync("cal", "Cal");
        await Server.MakeFriendsAsync(owner, bea);
        await Server.MakeFriendsAsync(owner, cal);

        var o = await OpenAsync(owner);
        var b = await OpenAsync(bea);

        // Create from friends.
        await o.GoToMessagesAsync();
        await o.Page.Locator("#new-group").ClickAsync();
        await o.Page.GetByLabel("Group name").FillAsync("Hikers");
        await o.Page.Locator($"input[type=checkbox][data-username='{bea.Username}']").CheckAsync();
        await o.Page.Locator($"input[type=checkbox][data-username='{cal.Username}']").CheckAsync();
        await o.Page.Locator("#create-group").ClickAsync();
        await Expect(o.Page.Locator("#chat-title")).ToHaveTextAsync("Hikers");
        await Expect(o.Page.Locator("#member-list li")).ToHaveCountAsync(3);
        await Expect(o.Page.Locator("#message-list .message.system")).ToContainTextAsync("You created \"Hikers\"");

        // The member finds it in the conversation list and opens it.
        await b.GoToMessagesAsync();
        var entry = b.Page.Locator("#conversation-list a.conversation", new() { HasTextString = "Hikers" });
        await Expect(entry).ToBeVisibleAsync();
        await entry.ClickAsync();
        await Expect(b.Page.Locator("#chat-title")).ToHaveTextAsync("Hikers");

        // A message shows with its sender's name, and "Seen by 1" once Bea has read it.
        await o.Page.Locator("#group-message").FillAsync("Trail at nine?");
        await o.Page.Locator("#group-message").PressAsync("Enter");
        var heard = b.Page.Locator("#message-list .message.theirs", new() { HasTextString = "Trail at nine?" });
        await Expect(heard).ToBeVisibleAsync();
        await Expect(heard.Locator(".sender")).ToHaveTextAsync("Olga");
        await Expect(o.Page.Locator("[data-testid=seen-by]")).ToHaveTextAsync("Seen by 1");

        // Bea's reply reaches the owner live.
        await b.Page.Locator("#group-message").FillAsync("Yes!");
        await b.Page.Locator("#group-message").PressAsync("Enter");
        await Expect(o.Page.Locator("#message-list .message.theirs", new() { HasTextString = "Yes!" }).Locator(".sender")).ToHaveTextAsync("Bea");

        // The owner removes Cal and renames the group: Bea sees both, live.
        await o.Page.GetByRole(AriaRole.Button, new() { Name = "Remove Cal" }).ClickAsync();
        await Expect(b.Page.Locator("#message-list .message.system", new() { HasTextString = "Olga removed Cal" })).ToBeVisibleAsync();
        await Expect(b.Page.Locator("#member-list li")).ToHaveCountAsync(2);
        await o.Page.GetByLabel("New group name").FillAsync("Summit team");
        await o.Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(b.Page.Locator("#chat-title")).ToHaveTextAsync("Summit team");

        // Bea leaves; the owner sees it.
        await b.Page.GetByRole(AriaRole.Button, new() { Name = "Leave group" }).ClickAsync();
        await b.Page.GetByRole(AriaRole.Button, new() { Name = "Really leave?" }).ClickAsync();
        await Expect(b.Page.GetByRole(AriaRole.Heading, new() { Name = "Messages", Exact = true })).ToBeVisibleAsync();
        await Expect(o.Page.Locator("#message-list .message.system", new() { HasTextString = "Bea left" })).ToBeVisibleAsync();
        await Expect(o.Page.Locator("#member-list li")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(o.Page, "desktop-group-chat");

        _pages.AssertHealthy();
    }
}
