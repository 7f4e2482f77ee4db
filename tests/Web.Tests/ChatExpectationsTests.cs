using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Social.Testing.Waiting;

namespace Social.Web.Tests;

/// <summary>
/// What people expect of a chat app (issue 12): day separators, a phone-width page where nothing
/// runs off screen, desktop notifications and the unread count in the tab's title.
/// </summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed partial class ChatExpectationsTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    [Fact]
    public async Task Day_separators_say_today_yesterday_and_the_date_between_messages_of_different_days()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        foreach (var text in new[] { "Three days ago", "Later that day", "Yesterday evening", "This morning" })
        {
            await Server.SendAsync(bob, alice, text);
        }

        // The server stamps messages with the real clock, so the history's times are moved to
        // other days on their way to the page (the page's clock and time zone are UTC).
        var today = DateTime.UtcNow.Date;
        var sentAt = new Dictionary<string, DateTime>
        {
            ["Three days ago"] = today.AddDays(-3).AddHours(9),
            ["Later that day"] = today.AddDays(-3).AddHours(18),
            ["Yesterday evening"] = today.AddDays(-1).AddHours(21),
            ["This morning"] = today.AddSeconds(5),
        };
        var a = await _pages.SignedInAsync(alice);
        await a.Page.RouteAsync(HistoryRequest(), async route =>
        {
            var response = await route.FetchAsync();
            var page = JsonNode.Parse(await response.TextAsync())!;
            foreach (var item in page["items"]!.AsArray())
            {
                if (sentAt.TryGetValue(item!["content"]!.GetValue<string>(), out var at))
                {
                    item["createdAt"] = at.ToString("O", CultureInfo.InvariantCulture);
                }
            }

            await route.FulfillAsync(new() { Response = response, Body = page.ToJsonString() });
        });

        await a.OpenConversationAsync(bob.Username);
        await Expect(a.Messages).ToHaveCountAsync(4);
        var english = CultureInfo.GetCultureInfo("en-US");
        var threeDaysAgo = today.AddDays(-3);
        var dateLabel = threeDaysAgo.ToString(threeDaysAgo.Year == today.Year ? "dddd, MMMM d" : "dddd, MMMM d, yyyy", english);
        Assert.Equal(
            [$"day: {dateLabel}", "Three days ago", "Later that day", "day: Yesterday", "Yesterday evening", "day: Today", "This morning"],
            await TimelineAsync(a));

        // A live message of today joins today's messages without another separator.
        await Server.SendAsync(bob, alice, "Live and today");
        await Expect(a.Message("Live and today")).ToBeVisibleAsync();
        Assert.Equal(["day: Today", "This morning", "Live and today"], (await TimelineAsync(a))[^3..]);

        // The full date and time stays on each message's time.
        var time = a.Page.Locator("#message-list .message", new() { HasTextString = "Three days ago" }).Locator("time");
        await Expect(time).ToHaveAttributeAsync("title", new Regex(Regex.Escape(threeDaysAgo.ToString("MMMM d, yyyy", english))));
        await Screenshots.SaveAsync(a.Page, "desktop-day-separators");
        _pages.AssertHealthy();
    }

    [Fact]
    public async Task At_phone_width_a_long_name_in_a_toast_or_the_typing_line_stays_on_screen()
    {
        const int width = 390;
        const string longName = "Maximiliana_Featherstonehaugh_Worthington_of_Cholmondeley";
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", longName);
        var carol = await Server.RegisterAsync("carol", longName + "_Jr");
        await Server.MakeFriendsAsync(alice, bob);
        await Server.SendAsync(bob, alice, "Hi!");
        var a = await _pages.SignedInAsync(alice, phone: true, options => options.ViewportSize = new() { Width = width, Height = 844 });
        await a.OpenConversationAsync(bob.Username);
        var b = await _pages.SignedInAsync(bob);
        await b.OpenConversationAsync(alice.Username);

        // The typing line: all of it inside the screen and inside its own box (nothing cut off).
        await b.Composer.PressSequentiallyAsync("Typing…");
        var typing = a.Page.GetByTestId("typing");
        await Expect(typing).ToContainTextAsync("is typing…");
        await AssertWithinAsync(typing, width);
        var head = await a.Page.Locator(".chat-head").BoundingBoxAsync();
        var line = await typing.BoundingBoxAsync();
        Assert.True(line!.Y + line.Height <= head!.Y + head.Height + 0.5, $"The typing line ({line.Y}+{line.Height}) runs below the chat header ({head.Y}+{head.Height}).");

        // A toast with the long name: inside the screen, text inside the toast, header and chat header uncovered.
        await carol.Client.Friends.RequestAsync(alice.UserId);

        var toast = a.Page.Locator(".toast", new() { HasTextString = "sent you a friend request" });
        await Expect(toast).ToBeVisibleAsync();
        await AssertWithinAsync(toast, width);
        var toastBox = await toast.BoundingBoxAsync();
        foreach (var covered in new[] { "#topbar", ".chat-head" })
        {
            var box = await a.Page.Locator(covered).BoundingBoxAsync();
            var overlaps = toastBox!.Y < box!.Y + box.Height && box.Y < toastBox.Y + toastBox.Height;
            Assert.False(overlaps, $"The toast ({toastBox.Y}..{toastBox.Y + toastBox.Height}) covers {covered} ({box.Y}..{box.Y + box.Height}).");
        }

        await Screenshots.SaveAsync(a.Page, "phone-390-toast-and-typing");
        _pages.AssertHealthy();
    }

    /// <summary>The element lies inside the screen's width and its content does not overflow it.</summary>
    private static async Task AssertWithinAsync(ILocator element, int width)
    {
        var box = await element.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= width + 0.5, $"It spans x = {box.X}..{box.X + box.Width}, the screen is {width} px wide.");
        var overflow = await element.EvaluateAsync<double>("e => e.scrollWidth - e.clientWidth");
        Assert.True(overflow <= 0.5, $"Its text is {overflow} px wider than its box.");
    }

    [Fact]
    public async Task Desktop_notifications_are_opt_in_show_only_while_the_tab_is_hidden_and_open_the_chat()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        var a = await _pages.SignedInAsync(alice, configure: options => options.Permissions = ["notifications"]);
        await a.Page.AddInitScriptAsync(RecordNotifications);
        await a.Page.ReloadAsync();
        await Expect(a.ConnectionState).ToHaveTextAsync("Connected");
        await a.GoToFriendsAsync();

        // Not asked for at load, and nothing shows before the user turns them on.
        Assert.Equal(0, await a.Page.EvaluateAsync<int>("window.__permissionRequests"));
        await SetHiddenAsync(a, true);
        await Server.SendAsync(bob, alice, "Before opting in");
        await Expect(a.Page).ToHaveTitleAsync("(1) Social");
        Assert.Empty(await NotificationsAsync(a));

        // The visible control on the Messages page turns them on.
        await SetHiddenAsync(a, false);
        await a.GoToMessagesAsync();
        var toggle = a.Page.GetByRole(AriaRole.Button, new() { Name = "Desktop notifications: off" });
        await toggle.ClickAsync();
        await Expect(a.Page.Locator("#notifications-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(a.Page.Locator("#notifications-toggle")).ToHaveTextAsync("Desktop notifications: on");

        // Visible tab: no notification (the message shows in the list instead).
        await Server.SendAsync(bob, alice, "While you look");
        await Expect(a.Conversation(bob.Username).Locator(".preview")).ToHaveTextAsync("While you look");
        Assert.Empty(await NotificationsAsync(a));

        // Hidden tab: one notification, with who wrote and what.
        await SetHiddenAsync(a, true);
        await Server.SendAsync(bob, alice, "While you are away");
        await Eventually.WaitUntilAsync(async () => (await NotificationsAsync(a)).Length > 0, "a notification shows");
        Assert.Equal("Bob|While you are away", (await NotificationsAsync(a))[0]);

        // Clicking it opens the chat.
        await a.Page.EvaluateAsync("window.__notifications[0].onclick()");
        await SetHiddenAsync(a, false);
        await Expect(a.Page).ToHaveURLAsync(new Regex($"#/chat/{Regex.Escape(bob.UserId)}$"));
        await Expect(a.Message("While you are away")).ToBeVisibleAsync();
        Assert.True(await a.Page.EvaluateAsync<bool>("window.__notifications[0].closed"));

        // Turned off again: nothing more.
        await a.Page.Locator("#nav-messages").ClickAsync();
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Desktop notifications: on" }).ClickAsync();
        await SetHiddenAsync(a, true);
        await Server.SendAsync(bob, alice, "After opting out");
        await Expect(a.Conversation(bob.Username).Locator(".preview")).ToHaveTextAsync("After opting out");
        Assert.Single(await NotificationsAsync(a));
        _pages.AssertHealthy();
    }

    [Fact]
    public async Task The_tabs_title_shows_the_unread_total()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        var a = await _pages.SignedInAsync(alice);
        var b = await _pages.SignedInAsync(bob);
        await a.GoToFriendsAsync();
        await Expect(a.Page).ToHaveTitleAsync("Social");

        await b.OpenChatFromFriendsAsync(alice.Username);
        await b.SendAsync("One");
        await Expect(a.Page).ToHaveTitleAsync("(1) Social");
        await b.SendAsync("Two");
        await b.SendAsync("Three");
        await Expect(a.Page).ToHaveTitleAsync("(3) Social");
        await Expect(b.Page).ToHaveTitleAsync("Social");

        await a.OpenConversationAsync(bob.Username);
        await Expect(a.Page).ToHaveTitleAsync("Social");
        _pages.AssertHealthy();
    }

    /// <summary>
    /// Records the page's notifications instead of showing them (a headless browser has no
    /// desktop to show them on); the permission stays the browser's.
    /// </summary>
    private const string RecordNotifications = """
        (() => {
          const Real = window.Notification;
          window.__notifications = [];
          window.__permissionRequests = 0;
          window.Notification = class {
            static get permission() { return Real.permission; }
            static requestPermission() { window.__permissionRequests += 1; return Real.requestPermission(); }
            constructor(title, options = {}) { this.title = title; this.body = options.body; this.tag = options.tag; this.closed = false; window.__notifications.push(this); }
            close() { this.closed = true; }
          };
          // The test hides and shows the tab (headless pages are always visible).
          window.__hidden = false;
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden });
        })();
        """;

    private static async Task SetHiddenAsync(SocialPage page, bool hidden) =>
        await page.Page.EvaluateAsync("hidden => { window.__hidden = hidden; document.dispatchEvent(new Event('visibilitychange')); }", hidden);

    private static Task<string[]> NotificationsAsync(SocialPage page) =>
        page.Page.EvaluateAsync<string[]>("window.__notifications.map(n => n.title + '|' + n.body)");

    /// <summary>The open chat's list from top to bottom: "day: …" for a separator, a message's text otherwise.</summary>
    private static Task<string[]> TimelineAsync(SocialPage page) =>
        page.Page.Locator("#message-list").EvaluateAsync<string[]>(
            "list => [...list.children].map(li => li.classList.contains('day-separator') ? 'day: ' + li.textContent : li.querySelector('.text').textContent)");

    [GeneratedRegex(@"/api/messages/(?!conversations|unread)[^/?]+\?")]
    private static partial Regex HistoryRequest();
}
