namespace Social.Web.Tests;

/// <summary>Friends' presence in the page: the dot beside a friend changes live.</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class PresenceWebTests(BrowserFixture browser, SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly BrowserPages _pages = new(browser, () => shared.Server.BaseAddress);

    private WebServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _pages.CloseAsync();

    [Fact]
    public async Task A_friends_dot_turns_online_when_they_open_the_app_and_offline_with_last_seen_when_they_leave()
    {
        var alice = await Server.RegisterAsync("alice", "Alice Liddell");
        var bob = await Server.RegisterAsync("bob");
        await Server.MakeFriendsAsync(alice, bob);
        var b = await _pages.SignedInAsync(bob);
        await b.GoToFriendsAsync();
        var aliceRow = SocialPage.Person(b.FriendList, alice.Username);
        var dot = aliceRow.Locator(".presence-dot");
        await Expect(dot).ToHaveAttributeAsync("data-status", "offline");
        await Expect(aliceRow).ToContainTextAsync("Offline");

        var aliceContext = await _pages.NewContextAsync();
        var a = await _pages.OpenAsync(aliceContext);
        await a.SignInAsync(alice);

        await Expect(dot).ToHaveAttributeAsync("data-status", "online");
        await Expect(dot).ToHaveAttributeAsync("aria-label", "Online");
        await Screenshots.SaveAsync(b.Page, "presence-online");

        await aliceContext.CloseAsync();

        await Expect(dot).ToHaveAttributeAsync("data-status", "offline");
        await Expect(aliceRow).ToContainTextAsync("Last seen just now");
        b.AssertHealthy();
    }
}
