using System.Text.RegularExpressions;
using Social.Client;
using Social.Testing.Waiting;

namespace Social.Web.Tests;

/// <summary>The spec's Frontend Workflows in a real browser, against the real server.</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed partial class WebClientTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    private Task<SocialPage> OpenAsync(IBrowserContext? context = null, bool phone = false) => _pages.OpenAsync(context, phone);

    private void AssertPagesHealthy() => _pages.AssertHealthy();

    [Fact(Timeout = 180_000)]
    public async Task Two_users_become_friends_through_the_page_and_chat_in_real_time()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var aName = TestUsers.NewUsername("alice");
        var bName = TestUsers.NewUsername("bob");
        await a.SignUpAsync(aName, "Alice");
        await b.SignUpAsync(bName, "Bob");
        await Screenshots.SaveAsync(b.Page, "desktop-messages-empty");

        // A finds B and sends a request; B sees it arrive live and accepts.
        await a.GoToFriendsAsync();
        await a.SearchAsync(bName[..6]);
        var bRow = SocialPage.Person(a.SearchResults, bName);
        await bRow.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Expect(bRow).ToContainTextAsync("Request sent");
        await Expect(b.RequestsBadge).ToHaveTextAsync("1");
        await b.GoToFriendsAsync();
        await SocialPage.Person(b.Page.GetByRole(AriaRole.List, new() { Name = "Incoming requests" }), aName)
            .GetByRole(AriaRole.Button, new() { Name = "Accept Alice" }).ClickAsync();
        await Expect(SocialPage.Person(b.FriendList, aName)).ToBeVisibleAsync();
        await Expect(SocialPage.Person(a.FriendList, bName)).ToBeVisibleAsync();
        await Expect(b.RequestsBadge).ToBeHiddenAsync();
        await Screenshots.SaveAsync(a.Page, "desktop-friends");

        // A writes; B, on another screen, gets the badge within a second, without a reload.
        await b.GoToMessagesAsync();
        await b.Page.EvaluateAsync("""
            () => {
              window.__notReloaded = true;
              const badge = document.getElementById('unread-badge');
              new MutationObserver(() => {
                if (!badge.hidden && badge.textContent === '1' && !window.__badgeAt) window.__badgeAt = Date.now();
              }).observe(badge, { attributes: true, childList: true, characterData: true, subtree: true });
            }
            """);
        await a.OpenChatFromFriendsAsync(bName);
        await a.Composer.FillAsync("Hello Bob!");
        var sentAt = await a.NowAsync();
        await a.Composer.PressAsync("Enter");
        await Expect(b.UnreadBadge).ToHaveTextAsync("1");
        var badgeAt = await b.Page.EvaluateAsync<double>("window.__badgeAt");
        Assert.True(badgeAt - sentAt < 1000, $"B's badge showed {badgeAt - sentAt} ms after A pressed Enter.");
        Assert.True(await b.Page.EvaluateAsync<bool>("window.__notReloaded === true"));
        var conversation = b.Conversation(aName);
        await Expect(conversation).ToContainTextAsync("Hello Bob!");
        await Expect(conversation.Locator(".badge")).ToHaveTextAsync("1");
        await Expect(a.Message("Hello Bob!")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(b.Page, "desktop-conversations-unread");

        // B opens the chat: it is read, B's badge goes, and A sees "Seen".
        await conversation.ClickAsync();
        await Expect(b.Message("Hello Bob!")).ToBeVisibleAsync();
        await Expect(b.UnreadBadge).ToBeHiddenAsync();
        await Expect(a.Page.Locator("#message-list .seen")).ToHaveTextAsync("Seen");

        // Typing shows on the other side; the reply appends live.
        await b.Composer.PressSequentiallyAsync("Hi Al");
        await Expect(a.Page.Locator(".typing")).ToHaveTextAsync("Bob is typing…");
        await b.Composer.PressSequentiallyAsync("ice 👋");
        await b.Composer.PressAsync("Enter");
        await Expect(a.Message("Hi Alice 👋")).ToBeVisibleAsync();
        await Expect(a.UnreadBadge).ToBeHiddenAsync();
        await Expect(b.Page.Locator("#message-list .seen")).ToHaveTextAsync("Seen");
        await Expect(a.Messages).ToHaveCountAsync(2);
        await Expect(b.Messages).ToHaveCountAsync(2);

        // The counter counts code points: 2000 emoji fit, 2001 do not.
        await a.Composer.FillAsync(string.Concat(Enumerable.Repeat("😀", 2000)));
        await Expect(a.Page.Locator(".counter")).ToHaveTextAsync("2000 / 2000");
        await Expect(a.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeEnabledAsync();
        await a.Composer.PressAsync("End");
        await a.Composer.PressSequentiallyAsync("!");
        await Expect(a.Page.Locator(".counter")).ToHaveTextAsync("2001 / 2000 — 1 too many");
        await Expect(a.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeDisabledAsync();
        await a.Composer.FillAsync("");
        await Screenshots.SaveAsync(a.Page, "desktop-chat");

        // Delete for me: gone here, still there for the other side.
        var hello = a.Page.Locator("#message-list .message", new() { HasTextString = "Hello Bob!" });
        await hello.HoverAsync();
        await hello.GetByRole(AriaRole.Button, new() { Name = "Delete for me" }).ClickAsync();
        await hello.GetByRole(AriaRole.Button, new() { Name = "Confirm delete" }).ClickAsync();
        await Expect(a.Message("Hello Bob!")).ToHaveCountAsync(0);
        await a.Page.ReloadAsync();
        await Expect(a.Message("Hi Alice 👋")).ToBeVisibleAsync();
        await Expect(a.Message("Hello Bob!")).ToHaveCountAsync(0);
        await Expect(b.Message("Hello Bob!")).ToBeVisibleAsync();

        // The same screens at phone width.
        foreach (var page in new[] { a, b })
        {
            await page.Page.SetViewportSizeAsync(375, 740);
        }

        await Screenshots.SaveAsync(a.Page, "phone-chat");
        await b.GoToMessagesAsync();
        await Screenshots.SaveAsync(b.Page, "phone-conversations");
        await b.GoToFriendsAsync();
        await Screenshots.SaveAsync(b.Page, "phone-friends");
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_message_sent_while_the_recipient_is_offline_is_there_when_they_sign_in()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);

        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.OpenChatFromFriendsAsync(bob.Username);
        await a.SendAsync("Written while you were away");

        var b = await OpenAsync(phone: true);
        await Screenshots.SaveAsync(b.Page, "phone-sign-in");
        await b.SignInAsync(bob);
        await Expect(b.UnreadBadge).ToHaveTextAsync("1");
        await Expect(b.Conversation(alice.Username)).ToContainTextAsync("Written while you were away");
        await b.Conversation(alice.Username).ClickAsync();
        await Expect(b.Message("Written while you were away")).ToBeVisibleAsync();
        await Expect(b.UnreadBadge).ToBeHiddenAsync();
        await Expect(a.Page.Locator("#message-list .seen")).ToHaveTextAsync("Seen");

        // "Seen" comes from the history too, not only from the live receipt.
        await a.Page.ReloadAsync();
        await Expect(a.Message("Written while you were away")).ToBeVisibleAsync();
        await Expect(a.Page.Locator("#message-list .seen")).ToHaveTextAsync("Seen");
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task Blocking_hides_the_user_and_stops_messaging_both_ways()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        await Server.SendAsync(bob, alice, "Hi Alice");

        var a = await OpenAsync();
        await a.SignInAsync(alice);
        var b = await OpenAsync();
        await b.SignInAsync(bob);
        await b.OpenChatFromFriendsAsync(alice.Username);

        // B writes while offline, so the message goes out only after the block.
        await b.Page.Context.SetOfflineAsync(true);
        await b.Composer.FillAsync("Are you there?");
        await b.Composer.PressAsync("Enter");
        await Expect(b.Page.Locator(".pending-list .message[data-state='waiting']")).ToHaveCountAsync(1);

        // A blocks B from the friend list (a second click confirms).
        await a.GoToFriendsAsync();
        var row = SocialPage.Person(a.FriendList, bob.Username);
        await row.GetByRole(AriaRole.Button, new() { Name = "Block Bob" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm block" }).ClickAsync();
        await Expect(SocialPage.Person(a.FriendList, bob.Username)).ToHaveCountAsync(0);
        var blocked = a.Page.GetByRole(AriaRole.List, new() { Name = "Blocked users" });
        await Expect(SocialPage.Person(blocked, bob.Username)).ToBeVisibleAsync();
        await a.SearchAsync(bob.Username);
        await Expect(SocialPage.Person(a.SearchResults, bob.Username)).ToHaveCountAsync(0);

        // Back online, B's message is refused with the contract's reason inline (and kept as not
        // sent), the chat closes, and A gets nothing.
        await b.Page.Context.SetOfflineAsync(false);
        var error = b.Page.Locator(".chat .error[data-code='blocked']");
        await Expect(error).ToContainTextAsync("blocked", new() { Timeout = 20_000 });
        await Expect(b.Page.Locator(".pending-list .message[data-state='failed']")).ToContainTextAsync("Not sent");
        await Expect(b.Page.Locator(".chat-banner")).ToContainTextAsync("not available");
        await Expect(b.Composer).ToBeDisabledAsync();
        await Screenshots.SaveAsync(b.Page, "desktop-chat-blocked");

        // B cannot find A any more, and A is gone from B's friends.
        await b.GoToFriendsAsync();
        await Expect(SocialPage.Person(b.FriendList, alice.Username)).ToHaveCountAsync(0);
        await b.SearchAsync(alice.Username);
        await Expect(SocialPage.Person(b.SearchResults, alice.Username)).ToHaveCountAsync(0);

        // A's side of the chat says why it is closed and offers Unblock.
        await a.Page.GotoAsync($"/#/chat/{bob.UserId}");
        await Expect(a.Page.Locator(".chat-banner")).ToContainTextAsync("You blocked Bob");
        await Expect(a.Composer).ToBeDisabledAsync();
        await Expect(a.Message("Are you there?")).ToHaveCountAsync(0);
        await a.Page.Locator(".chat-banner").GetByRole(AriaRole.Button, new() { Name = "Unblock" }).ClickAsync();
        await Expect(a.Page.Locator(".chat-banner")).ToContainTextAsync("not friends");
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task Message_text_is_rendered_as_text_never_as_markup()
    {
        const string Payload = "<img src=x onerror=alert(1)>";
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "<b>Bob</b>");
        await Server.MakeFriendsAsync(alice, bob);

        var a = await OpenAsync();
        await a.SignInAsync(alice);
        var b = await OpenAsync();
        await b.SignInAsync(bob);
        await b.GoToMessagesAsync();

        await a.OpenChatFromFriendsAsync(bob.Username);
        await Expect(a.Page.Locator(".chat-title")).ToHaveTextAsync("<b>Bob</b>");
        await a.SendAsync(Payload);
        await Expect(b.Conversation(alice.Username)).ToContainTextAsync(Payload);
        await b.Conversation(alice.Username).ClickAsync();
        await Expect(b.Message(Payload)).ToHaveTextAsync(Payload);
        await Expect(b.Page.Locator("#message-list img, #conversation-list img, #message-list b")).ToHaveCountAsync(0);
        await Expect(a.Page.Locator("#message-list img")).ToHaveCountAsync(0);
        // Any request an injected element made is over (an onerror handler would have run).
        await b.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Screenshots.SaveAsync(b.Page, "desktop-chat-xss-as-text");
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task Several_tabs_of_one_user_stay_in_step()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);

        var bTab1 = await OpenAsync();
        await bTab1.SignInAsync(bob);
        var bTab2 = await OpenAsync(bTab1.Page.Context);
        await Expect(bTab2.ConnectionState).ToHaveTextAsync("Connected"); // the session is shared
        await bTab2.GoToMessagesAsync();

        await Server.SendAsync(alice, bob, "One for both tabs");
        await Expect(bTab1.UnreadBadge).ToHaveTextAsync("1");
        await Expect(bTab2.UnreadBadge).ToHaveTextAsync("1");

        // Reading in one tab clears the other's badge; a message sent from one shows in the other.
        await bTab1.OpenConversationAsync(alice.Username);
        await Expect(bTab1.Message("One for both tabs")).ToBeVisibleAsync();
        await Expect(bTab2.UnreadBadge).ToBeHiddenAsync();
        await bTab1.SendAsync("Sent from tab one");
        await Expect(bTab2.Conversation(alice.Username)).ToContainTextAsync("Sent from tab one");
        await bTab2.Conversation(alice.Username).ClickAsync();
        await Expect(bTab2.Message("Sent from tab one")).ToHaveCountAsync(1);
        await Expect(bTab2.Messages).ToHaveCountAsync(2);

        // Signing out in one tab signs out both.
        await bTab1.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(bTab2.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Social" })).ToBeVisibleAsync();
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task Refusals_show_the_contracts_reason_inline_including_the_rate_limit_wait()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);

        var a = await OpenAsync();

        // Wrong password.
        await a.Page.GetByLabel("Username").FillAsync(alice.Username);
        await a.Page.GetByLabel("Password").FillAsync("not the password");
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(a.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");
        await a.SignInAsync(alice);

        // A request withdrawn after the list was shown, and before the page could reload it (the
        // live friend_request_cancelled would remove it at once, so its reload is held back until
        // Accept is clicked): Accept says there is nothing to accept.
        var carol = await Server.RegisterAsync("carol", "Carol");
        {
            Assert.Equal(FriendStatuses.Pending, (await carol.Client.Friends.RequestAsync(alice.UserId)).Status);
            await a.GoToFriendsAsync();
            var incoming = a.Page.GetByRole(AriaRole.List, new() { Name = "Incoming requests" });
            await Expect(SocialPage.Person(incoming, carol.Username)).ToBeVisibleAsync();
            var accepted = false;
            await a.Page.RouteAsync("**/api/friends/**", async route =>
            {
                accepted |= route.Request.Url.Contains("/accept/", StringComparison.Ordinal);
                await (!accepted && route.Request.Url.Contains("/list", StringComparison.Ordinal) ? route.AbortAsync() : route.ContinueAsync());
            });
            await carol.Client.Friends.CancelAsync(alice.UserId);
            await SocialPage.Person(incoming, carol.Username).GetByRole(AriaRole.Button, new() { Name = "Accept Carol" }).ClickAsync();
            await Expect(a.Page.Locator(".error[data-code='no_pending_request']")).ToHaveTextAsync("There is no pending request any more.");
            await Expect(SocialPage.Person(incoming, carol.Username)).ToHaveCountAsync(0);
            await a.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.Wait });
        }

        // Use up the friend-request allowance, then the page's request is refused with the wait.
        var refused = false;
        for (var i = 0; i < 10 && !refused; i++)
        {
            var someone = await Server.RegisterAsync("dave");
            try
            {
                await alice.Client.Friends.RequestAsync(someone.UserId);
            }
            catch (SocialApiException refusal) when (refusal.Status == 429)
            {
                Assert.Equal(ErrorCodes.RateLimited, refusal.Code);
                refused = true;
            }
        }

        Assert.True(refused, "The friend-request limit was never reached.");

        var erin = await Server.RegisterAsync("erin", "Erin");
        await a.SearchAsync(erin.Username);
        await SocialPage.Person(a.SearchResults, erin.Username).GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        var error = a.Page.Locator(".error[data-code='rate_limited']");
        await Expect(error).ToHaveTextAsync(TryAgainPattern());
        await Expect(SocialPage.Person(a.SearchResults, erin.Username).GetByRole(AriaRole.Button, new() { Name = "Send request" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(a.Page, "desktop-friends-rate-limited");
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_pro_member_greets_a_non_friend_from_their_profile()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var carol = await Server.RegisterAsync("carol", "Carol");
        await alice.Client.Admin.SetPlanAsync(WebServer.AdminKey, alice.UserId, Plans.Pro);

        var a = await OpenAsync();
        await a.SignInAsync(alice);
        var c = await OpenAsync();
        await c.SignInAsync(carol);

        await a.GoToFriendsAsync();
        await a.SearchAsync(carol.Username);
        await SocialPage.Person(a.SearchResults, carol.Username).GetByRole(AriaRole.Link, new() { Name = "Carol" }).ClickAsync();
        await Expect(a.Page.GetByRole(AriaRole.Heading, new() { Name = "Greeting" })).ToBeVisibleAsync();
        var greeting = a.Page.GetByLabel("Greeting to Carol");
        await greeting.FillAsync("Hi Carol, loved your talk!");
        await Screenshots.SaveAsync(a.Page, "desktop-profile-greeting");
        await greeting.PressAsync("Enter");
        await Expect(a.Page.GetByText("Greeting sent.")).ToBeVisibleAsync();

        // Carol gets the greeting and the request; she can accept from the chat and then reply.
        await Expect(c.UnreadBadge).ToHaveTextAsync("1");
        await Expect(c.RequestsBadge).ToHaveTextAsync("1");
        await c.OpenConversationAsync(alice.Username);
        await Expect(c.Message("Hi Carol, loved your talk!")).ToBeVisibleAsync();
        await Expect(c.Page.Locator(".chat-banner")).ToContainTextAsync("Accept to reply");
        await c.Page.Locator(".chat-banner").GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(c.Page.Locator(".chat-banner")).ToBeHiddenAsync();
        await c.SendAsync("Thanks Alice!");

        // Now they are friends: the profile offers Message, and no greeting.
        await a.Page.GotoAsync($"/#/users/{carol.UserId}");
        await Expect(a.Page.GetByRole(AriaRole.Link, new() { Name = "Message", Exact = true })).ToBeVisibleAsync();
        await Expect(a.Page.GetByRole(AriaRole.Heading, new() { Name = "Greeting" })).ToHaveCountAsync(0);
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task History_loads_older_pages_on_scroll_up_and_conversations_can_be_searched()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        var zoe = await Server.RegisterAsync("zoe", "Zoe");
        await Server.MakeFriendsAsync(alice, bob);
        await Server.MakeFriendsAsync(alice, zoe);
        for (var i = 1; i <= 120; i++)
        {
            await Server.SendAsync(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, $"Message number {i:D3}");
        }

        await Server.SendAsync(zoe, alice, "Zoe was here");

        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.GoToMessagesAsync();

        // Newest first; the search narrows by name.
        await Expect(a.Page.Locator("#conversation-list a.conversation")).ToHaveCountAsync(2);
        await Expect(a.Page.Locator("#conversation-list a.conversation").First).ToContainTextAsync("Zoe was here");
        await a.Page.GetByLabel("Search conversations").FillAsync("bo");
        await Expect(a.Page.Locator("#conversation-list a.conversation")).ToHaveCountAsync(1);
        await Expect(a.Conversation(bob.Username)).ToContainTextAsync("You: Message number 120");
        await a.Page.GetByLabel("Search conversations").FillAsync("");
        await Expect(a.Page.Locator("#conversation-list a.conversation")).ToHaveCountAsync(2);

        // The chat opens on the newest page; scrolling up brings the older pages, in order, once each.
        await a.Conversation(bob.Username).ClickAsync();
        await Expect(a.Messages).ToHaveCountAsync(50);
        await Expect(a.Messages.Last).ToContainTextAsync("Message number 120");
        await Eventually.WaitUntilAsync(async () =>
        {
            await a.Page.Locator(".message-log").EvaluateAsync("log => { log.scrollTop = 0; log.dispatchEvent(new Event('scroll')); }");
            return await a.Messages.CountAsync() >= 120;
        }, "scrolling up brought all 120 messages");

        await Expect(a.Messages).ToHaveCountAsync(120);
        var texts = await a.Page.Locator("#message-list .message .text").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"Message number {i:D3}"), texts);
        await Expect(a.Page.GetByRole(AriaRole.Button, new() { Name = "Load older messages" })).ToBeHiddenAsync();
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task Requests_are_accepted_all_at_once_rejected_cancelled_and_friends_removed()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var fans = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            var fan = await Server.RegisterAsync($"fan{i}", $"Fan {i}");
            Assert.Equal(FriendStatuses.Pending, (await fan.Client.Friends.RequestAsync(alice.UserId)).Status);
            fans.Add(fan);
        }

        var pest = await Server.RegisterAsync("pest", "Pest");
        Assert.Equal(FriendStatuses.Pending, (await pest.Client.Friends.RequestAsync(alice.UserId)).Status);

        var shy = await Server.RegisterAsync("shy", "Shy");
        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await Expect(a.RequestsBadge).ToHaveTextAsync("4");
        await a.GoToFriendsAsync();
        var incoming = a.Page.GetByRole(AriaRole.List, new() { Name = "Incoming requests" });

        // Reject one, then accept the rest with one click (batch-accept).
        await SocialPage.Person(incoming, pest.Username).GetByRole(AriaRole.Button, new() { Name = "Reject Pest" }).ClickAsync();
        await Expect(SocialPage.Person(incoming, pest.Username)).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(a.Page, "desktop-friends-requests");
        await a.Page.GetByRole(AriaRole.Button, new() { Name = "Accept all" }).ClickAsync();
        foreach (var fan in fans)
        {
            await Expect(SocialPage.Person(a.FriendList, fan.Username)).ToBeVisibleAsync();
        }

        await Expect(incoming.Locator("li.person")).ToHaveCountAsync(0);
        await Expect(a.RequestsBadge).ToBeHiddenAsync();

        // An outgoing request shows under Sent and can be withdrawn.
        await a.SearchAsync(shy.Username);
        await SocialPage.Person(a.SearchResults, shy.Username).GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        var sent = a.Page.GetByRole(AriaRole.List, new() { Name = "Sent requests" });
        await Expect(SocialPage.Person(sent, shy.Username)).ToBeVisibleAsync();
        await SocialPage.Person(sent, shy.Username).GetByRole(AriaRole.Button, new() { Name = "Cancel request to Shy" }).ClickAsync();
        await Expect(SocialPage.Person(sent, shy.Username)).ToHaveCountAsync(0);
        await Expect(SocialPage.Person(a.SearchResults, shy.Username).GetByRole(AriaRole.Button, new() { Name = "Send request" })).ToBeVisibleAsync();

        // Unfriend asks for a second click.
        var row = SocialPage.Person(a.FriendList, fans[0].Username);
        await row.GetByRole(AriaRole.Button, new() { Name = "Unfriend Fan 0" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm unfriend" }).ClickAsync();
        await Expect(SocialPage.Person(a.FriendList, fans[0].Username)).ToHaveCountAsync(0);
        await Expect(a.FriendList.Locator("li.person")).ToHaveCountAsync(2);
        AssertPagesHealthy();
    }

    [GeneratedRegex(@"Too many requests — slow down\. Try again in (1\d|20) s\.")]
    private static partial Regex TryAgainPattern();
}
