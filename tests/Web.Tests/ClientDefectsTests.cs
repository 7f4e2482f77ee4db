using Social.Client;

namespace Social.Web.Tests;

/// <summary>
/// The web client defects of issue 12, each as a person meets it in the browser, and the small
/// things people expect (links, full dates).
/// </summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class ClientDefectsTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    [Fact]
    public async Task Right_to_left_text_is_laid_out_right_to_left_in_bubbles_previews_names_and_the_box()
    {
        var alice = await Server.RegisterAsync("alice");
        var bob = await Server.RegisterAsync("bob", "דוד כהן");
        await Server.MakeFriendsAsync(alice, bob);
        await Server.SendAsync(bob, alice, "שלום, מה שלומך?");
        var a = await SignedInAsync(alice);

        await a.GoToMessagesAsync();
        var conversation = a.Conversation(bob.Username);
        Assert.Equal("rtl", await DirectionAsync(conversation.Locator(".preview")));
        Assert.Equal("rtl", await DirectionAsync(conversation.Locator(".conversation-name")));

        await a.OpenConversationAsync(bob.Username);
        Assert.Equal("rtl", await DirectionAsync(a.Message("שלום")));
        Assert.Equal("rtl", await DirectionAsync(a.Page.Locator("#chat-title")));
        await a.Composer.FillAsync("תודה!");
        Assert.Equal("rtl", await DirectionAsync(a.Composer));
        await a.Composer.FillAsync("Thanks!");
        Assert.Equal("ltr", await DirectionAsync(a.Composer));
        a.AssertHealthy();
    }

    [Fact]
    public async Task Links_in_messages_are_clickable_only_for_http_and_https_and_never_markup()
    {
        var (a, b, alice, bob) = await FriendsAsync();
        await Server.SendAsync(bob, alice, "See https://example.com/a?b=1, or javascript:alert(1) and <a href=\"javascript:alert(2)\"><b>x</b></a>.");
        await a.OpenConversationAsync(bob.Username);

        var text = a.Message("See");
        var links = text.Locator("a");
        await Expect(links).ToHaveCountAsync(1);
        await Expect(links).ToHaveAttributeAsync("href", "https://example.com/a?b=1");
        await Expect(links).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(links).ToHaveAttributeAsync("target", "_blank");
        await Expect(text).ToContainTextAsync("javascript:alert(1) and <a href=\"javascript:alert(2)\"><b>x</b></a>.");
        await Expect(text.Locator("b")).ToHaveCountAsync(0);
        a.AssertHealthy();
        _ = b;
    }

    [Fact]
    public async Task A_messages_time_shows_the_full_date_on_hover()
    {
        var (a, _, alice, bob) = await FriendsAsync();
        var sent = await Server.SendAsync(bob, alice, "What day is it?");
        await a.OpenConversationAsync(bob.Username);

        var time = a.Page.Locator("#message-list .message time").Last;
        var title = await time.GetAttributeAsync("title");
        var createdAt = sent.CreatedAt;
        Assert.Contains(createdAt.ToLocalTime().Year.ToString(System.Globalization.CultureInfo.InvariantCulture), title);
    }

    [Fact]
    public async Task A_locked_out_sign_in_says_how_many_minutes_to_wait()
    {
        var alice = await Server.RegisterAsync("alice");
        using (var client = Server.CreateSocialClient())
        {
            for (var i = 0; i < 10; i++)
            {
                await Assert.ThrowsAsync<SocialApiException>(() => client.Auth.LoginAsync(alice.Username, "wrong password"));
            }
        }

        var page = await OpenAsync();
        await page.Page.GetByLabel("Username").FillAsync(alice.Username);
        await page.Page.GetByLabel("Password").FillAsync(alice.Password);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var alert = page.Page.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = "Try again in" });
        await Expect(alert).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Try again in 1[45] min\."));
    }

    [Fact]
    public async Task A_taken_username_is_said_once_beside_the_field()
    {
        var taken = await Server.RegisterAsync("carol");
        var page = await OpenAsync();
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await page.Page.GetByLabel("Username").FillAsync(taken.Username);
        await page.Page.GetByLabel("Password").FillAsync(TestUsers.Password);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var said = page.Page.GetByText("username is taken", new() { Exact = false });
        await Expect(said).ToHaveCountAsync(1);
        await Expect(said).ToBeVisibleAsync();
        await Expect(page.Page.GetByLabel("Username")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Page.Locator(".auth-form > .error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Opening_a_chat_with_ones_own_id_says_one_thing()
    {
        var alice = await Server.RegisterAsync("alice");
        var a = await SignedInAsync(alice);

        await a.Page.GotoAsync($"/#/chat/{Uri.EscapeDataString(alice.UserId)}");

        await Expect(a.Page.GetByText("This is you.")).ToBeVisibleAsync();
        await Expect(a.Page.Locator(".chat .error:visible")).ToHaveCountAsync(0);
        await Expect(a.Page.Locator(".chat-banner button")).ToHaveCountAsync(0);
        await Expect(a.Composer).ToBeDisabledAsync();
        a.AssertHealthy();
    }

    [Fact]
    public async Task Deleting_ones_newest_message_for_me_puts_the_one_before_in_the_preview()
    {
        var (a, _, alice, bob) = await FriendsAsync();
        await Server.SendAsync(alice, bob, "The first one");
        await Server.SendAsync(alice, bob, "The regrettable one");
        await a.OpenConversationAsync(bob.Username);

        var newest = a.Page.Locator("#message-list .message", new() { HasTextString = "The regrettable one" });
        await newest.HoverAsync();
        await newest.GetByRole(AriaRole.Button, new() { Name = "Delete for me" }).ClickAsync();
        await newest.GetByRole(AriaRole.Button, new() { Name = "Confirm delete" }).ClickAsync();
        await Expect(newest).ToHaveCountAsync(0);

        await a.GoToMessagesAsync();
        await Expect(a.Conversation(bob.Username).Locator(".preview")).ToHaveTextAsync("You: The first one");
    }

    [Fact]
    public async Task A_message_that_arrives_while_scrolled_up_stays_unread_until_it_is_seen()
    {
        var (a, _, alice, bob) = await FriendsAsync();
        for (var i = 1; i <= 40; i++)
        {
            await Server.SendAsync(bob, alice, $"Old message {i}");
        }

        await a.OpenConversationAsync(bob.Username);
        await Expect(a.UnreadBadge).ToBeHiddenAsync();
        await a.Page.Locator(".message-log").EvaluateAsync("log => { log.scrollTop = 0; log.dispatchEvent(new Event('scroll')); }");

        await Server.SendAsync(bob, alice, "Arrived while reading history");
        await Expect(a.Page.GetByRole(AriaRole.Button, new() { Name = "New messages ↓" })).ToBeVisibleAsync();
        await Expect(a.UnreadBadge).ToHaveTextAsync("1");

        await a.Page.GetByRole(AriaRole.Button, new() { Name = "New messages ↓" }).ClickAsync();
        await Expect(a.UnreadBadge).ToBeHiddenAsync();
        a.AssertHealthy();
    }

    [Fact]
    public async Task People_search_finds_display_names_and_pages_past_twenty()
    {
        var liddell = await Server.RegisterAsync("liddell", $"Alice Liddell {Guid.NewGuid():N}"[..20]);
        var tag = Guid.NewGuid().ToString("N")[..5];
        for (var i = 0; i < 22; i++)
        {
            using var client = Server.CreateSocialClient();
            await TestUsers.RegisterAsync(client, $"t{tag}{i:00}");
        }

        var me = await SignedInAsync(await Server.RegisterAsync("seeker"));
        await me.GoToFriendsAsync();

        await me.SearchAsync("Alice Liddell");
        await Expect(SocialPage.Person(me.SearchResults, liddell.Username)).ToBeVisibleAsync();

        await me.SearchAsync($"t{tag}");
        await Expect(me.SearchResults.Locator("li.person")).ToHaveCountAsync(20);
        await me.Page.GetByRole(AriaRole.Button, new() { Name = "More results" }).ClickAsync();
        await Expect(me.SearchResults.Locator("li.person")).ToHaveCountAsync(22);
        await Expect(me.Page.GetByRole(AriaRole.Button, new() { Name = "More results" })).ToBeHiddenAsync();
        await Expect(me.Page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "found" })).ToHaveTextAsync("22 found");
        me.AssertHealthy();
    }

    private async Task<(SocialPage A, SocialPage? B, TestUser Alice, TestUser Bob)> FriendsAsync()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        return (await SignedInAsync(alice), null, alice, bob);
    }

    private Task<SocialPage> SignedInAsync(TestUser user) => _pages.SignedInAsync(user);

    private Task<SocialPage> OpenAsync() => _pages.OpenAsync();

    private static Task<string> DirectionAsync(ILocator element) =>
        element.EvaluateAsync<string>("e => getComputedStyle(e).direction");
}
