using System.Text.RegularExpressions;
using Social.Testing.Waiting;

namespace Social.Web.Tests;

/// <summary>
/// What the page does so that nothing is lost or reordered (issue 8): the outbox (offline
/// typing, lost answers, refusals, a reload, a burst of sends) and relationship changes the
/// other user makes, shown live on every open view.
/// </summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class DeliveryTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    [Fact(Timeout = 180_000)]
    public async Task Messages_typed_offline_are_kept_and_sent_once_in_order_when_back_online()
    {
        var (alice, bob) = await FriendsAsync();
        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.OpenChatFromFriendsAsync(bob.Username);
        var b = await OpenAsync();
        await b.SignInAsync(bob);
        await b.OpenChatFromFriendsAsync(alice.Username);

        // Offline: what is typed stays in the outbox, shown as not sent yet, in the order typed.
        await a.Page.Context.SetOfflineAsync(true);
        string[] offline = ["Offline one", "Offline two", "Offline three"];
        foreach (var text in offline)
        {
            await a.Composer.FillAsync(text);
            await a.Composer.PressAsync("Enter");
        }

        await Expect(a.Pending).ToHaveCountAsync(3);
        await Expect(a.Pending.Locator(".text")).ToHaveTextAsync(offline);
        await Expect(a.Pending.First).ToHaveAttributeAsync("data-state", "waiting");
        await Expect(a.Pending.First).ToContainTextAsync("waiting for the connection");
        await Expect(a.Messages).ToHaveCountAsync(0);

        // Back online: sent in order, once each, on both pages and on the server.
        await a.Page.Context.SetOfflineAsync(false);
        await Expect(a.Pending).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await ExpectTexts(a, offline);
        await ExpectTexts(b, offline);

        // The answer to a send is lost after the server stored it: the retry carries the same
        // clientMessageId, so it is stored once.
        var lost = 0;
        await a.Page.RouteAsync("**/api/messages/send", async route =>
        {
            if (Interlocked.Increment(ref lost) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync();
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await a.Composer.FillAsync("Answer lost");
        await a.Composer.PressAsync("Enter");
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref lost) >= 2, "the send was retried");
        await Expect(a.Pending).ToHaveCountAsync(0);
        await ExpectTexts(b, [.. offline, "Answer lost"]);
        await ExpectTexts(a, [.. offline, "Answer lost"]);

        // A reload keeps what was not sent yet (the tab's sessionStorage), and sends it then.
        await a.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.Wait });
        await a.Page.RouteAsync("**/api/messages/send", route => route.AbortAsync());
        await a.Composer.FillAsync("Kept across a reload");
        await a.Composer.PressAsync("Enter");
        await Expect(a.Pending.First).ToHaveAttributeAsync("data-state", "waiting");
        await a.Page.ReloadAsync();
        await Expect(a.Pending.Locator(".text")).ToHaveTextAsync(["Kept across a reload"]);
        await a.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
        string[] all = [.. offline, "Answer lost", "Kept across a reload"];
        await Expect(a.Pending).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await ExpectTexts(a, all);
        await ExpectTexts(b, all);
        Assert.Equal(all, await HistoryAsync(alice, bob));
        AssertPagesHealthy();
    }

    [Fact(Timeout = 180_000)]
    public async Task A_dropped_connection_resumes_and_replays_what_it_missed_without_a_rest_catch_up()
    {
        var (alice, bob) = await FriendsAsync();
        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.OpenChatFromFriendsAsync(bob.Username);

        // B's hub connections pass through the test, so one can be cut.
        var b = await OpenAsync();
        var sockets = new List<IWebSocketRoute>();
        await b.Page.RouteWebSocketAsync(new Regex("/hubs/messages"), socket =>
        {
            lock (sockets)
            {
                sockets.Add(socket);
            }

            socket.ConnectToServer();
        });
        await b.SignInAsync(bob);
        await b.OpenChatFromFriendsAsync(alice.Username);
        await a.SendAsync("Before the drop");
        await ExpectTexts(b, ["Before the drop"]);

        // The connection drops and stays away while Alice writes; a REST catch-up would fail.
        var catchUps = 0;
        await b.Page.RouteAsync("**/hubs/messages/negotiate**", route => route.AbortAsync());
        await b.Page.RouteAsync(new Regex("/api/messages/[^/?]+\\?.*afterSeq="), route =>
        {
            Interlocked.Increment(ref catchUps);
            return route.AbortAsync();
        });
        IWebSocketRoute current;
        lock (sockets)
        {
            current = sockets[^1];
        }

        await current.CloseAsync(new() { Code = 4000, Reason = "cut by the test" });
        await Expect(b.ConnectionState).ToHaveTextAsync("Reconnecting…");
        string[] missed = ["Missed one", "Missed two", "Missed three"];
        foreach (var text in missed)
        {
            await a.SendAsync(text);
        }

        // Back: the new connection resumes from the last position and replays the three, in order.
        await b.Page.UnrouteAsync("**/hubs/messages/negotiate**");
        await Expect(b.ConnectionState).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
        await ExpectTexts(b, ["Before the drop", .. missed]);
        Assert.Equal(0, Volatile.Read(ref catchUps));
        await Expect(b.UnreadBadge).ToBeHiddenAsync();

        await a.SendAsync("Live again");
        await ExpectTexts(b, ["Before the drop", .. missed, "Live again"]);
        Assert.Equal(0, Volatile.Read(ref catchUps));
        AssertPagesHealthy();
    }

    [Fact(Timeout = 180_000)]
    public async Task A_burst_of_sends_arrives_in_the_order_typed_with_none_lost()
    {
        var (alice, bob) = await FriendsAsync();
        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.OpenChatFromFriendsAsync(bob.Username);
        var b = await OpenAsync();
        await b.SignInAsync(bob);
        await b.OpenChatFromFriendsAsync(alice.Username);

        // Two sends in the burst are refused for a moment (429 with Retry-After, then a 503):
        // they wait, and everything typed after them waits behind them.
        var sends = 0;
        await a.Page.RouteAsync("**/api/messages/send", async route =>
        {
            var n = Interlocked.Increment(ref sends);
            if (n is 5 or 12)
            {
                await route.FulfillAsync(new()
                {
                    Status = n == 5 ? 429 : 503,
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    ContentType = "application/problem+json",
                    Body = n == 5 ? """{"code":"rate_limited","status":429}""" : """{"code":"unavailable","status":503}""",
                });
            }
            else
            {
                await route.ContinueAsync();
            }
        });

        var burst = Enumerable.Range(1, 35).Select(i => $"Burst {i:00}").ToArray();
        foreach (var text in burst)
        {
            await a.Composer.FillAsync(text);
            await a.Composer.PressAsync("Enter");
        }

        await Expect(a.Messages).ToHaveCountAsync(burst.Length, new() { Timeout = 30_000 });
        await Expect(a.Pending).ToHaveCountAsync(0);
        await ExpectTexts(a, burst);
        await ExpectTexts(b, burst);
        Assert.Equal(burst, await HistoryAsync(alice, bob));
        Assert.Equal(burst.Length + 2, sends);
        AssertPagesHealthy();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_refused_message_shows_why_and_can_be_retried_or_discarded()
    {
        var (alice, bob) = await FriendsAsync();
        var a = await OpenAsync();
        await a.SignInAsync(alice);
        await a.OpenChatFromFriendsAsync(bob.Username);

        // Typed offline while still friends; by the time it goes out, Bob has unfriended Alice.
        await a.Page.Context.SetOfflineAsync(true);
        await a.Composer.FillAsync("Still there?");
        await a.Composer.PressAsync("Enter");
        await Expect(a.Pending.First).ToHaveAttributeAsync("data-state", "waiting");
        await bob.Client.Friends.UnfriendAsync(alice.UserId);

        await a.Page.Context.SetOfflineAsync(false);
        var failed = a.Pending.First;
        await Expect(failed).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 20_000 });
        await Expect(failed).ToContainTextAsync("Not sent: You can only message friends.");
        await Expect(a.Page.Locator(".chat .error[data-code='not_friends']")).ToBeVisibleAsync();
        await Expect(a.Page.Locator(".chat-banner")).ToContainTextAsync("not friends");
        await Expect(a.Composer).ToBeDisabledAsync();

        // Retry is refused again, for the same reason; Discard removes it.
        await failed.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(failed).ToHaveAttributeAsync("data-state", "failed");
        await failed.GetByRole(AriaRole.Button, new() { Name = "Discard" }).ClickAsync();
        await Expect(a.Pending).ToHaveCountAsync(0);
        await Expect(a.Messages).ToHaveCountAsync(0);
        AssertPagesHealthy();
    }

    [Fact(Timeout = 180_000)]
    public async Task Cancel_reject_unfriend_and_block_by_the_other_user_update_the_open_pages_live()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var rita = await Server.RegisterAsync("rita", "Rita"); // rejects Alice's request
        var carl = await Server.RegisterAsync("carl", "Carl"); // asks, then cancels
        var ursula = await Server.RegisterAsync("ursula", "Ursula"); // unfriends Alice
        var bea = await Server.RegisterAsync("bea", "Bea"); // blocks Alice
        await Server.MakeFriendsAsync(ursula, alice);
        await Server.MakeFriendsAsync(bea, alice);

        // Alice has three tabs open: Friends (searched for Rita after asking her), Carl's profile
        // and the chat with Carl (Carl asked her), then chats with Ursula and Bea.
        var context = await _pages.NewContextAsync();
        var friends = await OpenAsync(context);
        await friends.SignInAsync(alice);
        await alice.Client.Friends.RequestAsync(rita.UserId);
        await carl.Client.Friends.RequestAsync(alice.UserId);
        await friends.GoToFriendsAsync();
        await friends.SearchAsync(rita.Username);
        var ritaRow = SocialPage.Person(friends.SearchResults, rita.Username);
        await Expect(ritaRow).ToContainTextAsync("Request sent");
        var sent = friends.Page.GetByRole(AriaRole.List, new() { Name = "Sent requests" });
        var incoming = friends.Page.GetByRole(AriaRole.List, new() { Name = "Incoming requests" });
        await Expect(SocialPage.Person(sent, rita.Username)).ToBeVisibleAsync();
        await Expect(SocialPage.Person(incoming, carl.Username)).ToBeVisibleAsync();

        var profile = await OpenAsync(context);
        await profile.Page.GotoAsync($"/#/users/{carl.UserId}");
        await Expect(profile.Page.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
        var chat = await OpenAsync(context);
        await chat.Page.GotoAsync($"/#/chat/{carl.UserId}");
        await Expect(chat.Page.Locator(".chat-banner").GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
        await Expect(chat.Composer).ToBeDisabledAsync();

        // Rita rejects: "Request sent" turns back into "Send request", live.
        await rita.Client.Friends.RejectAsync(alice.UserId);
        await Expect(ritaRow.GetByRole(AriaRole.Button, new() { Name = "Send request" })).ToBeVisibleAsync();
        await Expect(ritaRow).Not.ToContainTextAsync("Request sent");
        await Expect(SocialPage.Person(sent, rita.Username)).ToHaveCountAsync(0);

        // Carl cancels: his request leaves the list and the badge, the profile and the chat stop offering Accept.
        await carl.Client.Friends.CancelAsync(alice.UserId);
        await Expect(SocialPage.Person(incoming, carl.Username)).ToHaveCountAsync(0);
        await Expect(friends.RequestsBadge).ToBeHiddenAsync();
        await Expect(profile.Page.GetByRole(AriaRole.Button, new() { Name = "Send friend request" })).ToBeVisibleAsync();
        await Expect(profile.Page.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator(".chat-banner")).ToContainTextAsync("not friends");
        await Expect(chat.Page.Locator(".chat-banner").GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);

        // Ursula unfriends Alice while their chat is open: the box closes and says why.
        await chat.Page.GotoAsync($"/#/chat/{ursula.UserId}");
        await Expect(chat.Composer).ToBeEnabledAsync();
        await Expect(SocialPage.Person(friends.FriendList, ursula.Username)).ToBeVisibleAsync();
        await ursula.Client.Friends.UnfriendAsync(alice.UserId);

        await Expect(chat.Composer).ToBeDisabledAsync();
        await Expect(chat.Page.Locator(".chat-banner")).ToContainTextAsync("not friends");
        await Expect(SocialPage.Person(friends.FriendList, ursula.Username)).ToHaveCountAsync(0);

        // Bea blocks Alice: to Alice it reads like Bea went away; the box closes.
        await chat.Page.GotoAsync($"/#/chat/{bea.UserId}");
        await Expect(chat.Composer).ToBeEnabledAsync();
        await bea.Client.Friends.BlockAsync(alice.UserId);
        await Expect(chat.Composer).ToBeDisabledAsync();
        await Expect(chat.Page.Locator(".chat-banner")).ToContainTextAsync("not available");
        await Expect(SocialPage.Person(friends.FriendList, bea.Username)).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(chat.Page, "desktop-chat-closed-live");
        AssertPagesHealthy();
    }

    private static async Task ExpectTexts(SocialPage page, string[] texts)
    {
        await Expect(page.Messages).ToHaveCountAsync(texts.Length, new() { Timeout = 20_000 });
        await Expect(page.Page.Locator("#message-list .message .text")).ToHaveTextAsync(texts);
    }

    /// <summary>The conversation's messages as the server stored them, in seq order.</summary>
    private static async Task<string[]> HistoryAsync(TestUser from, TestUser to)
    {
        var conversationId = await from.Client.Messages.GetConversationIdAsync(to.UserId);
        var page = await from.Client.Messages.GetHistoryAsync(conversationId, limit: 100);
        return [.. page.Items.OrderBy(m => m.Seq).Select(m => m.Content)];
    }

    private async Task<(TestUser Alice, TestUser Bob)> FriendsAsync()
    {
        var alice = await Server.RegisterAsync("alice", "Alice");
        var bob = await Server.RegisterAsync("bob", "Bob");
        await Server.MakeFriendsAsync(alice, bob);
        return (alice, bob);
    }

    private Task<SocialPage> OpenAsync(IBrowserContext? context = null) => _pages.OpenAsync(context);

    private void AssertPagesHealthy() => _pages.AssertHealthy();
}
