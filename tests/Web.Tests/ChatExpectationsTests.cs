using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

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

    /// <summary>The open chat's list from top to bottom: "day: …" for a separator, a message's text otherwise.</summary>
    private static Task<string[]> TimelineAsync(SocialPage page) =>
        page.Page.Locator("#message-list").EvaluateAsync<string[]>(
            "list => [...list.children].map(li => li.classList.contains('day-separator') ? 'day: ' + li.textContent : li.querySelector('.text').textContent)");

    [GeneratedRegex(@"/api/messages/(?!conversations|unread)[^/?]+\?")]
    private static partial Regex HistoryRequest();
}
