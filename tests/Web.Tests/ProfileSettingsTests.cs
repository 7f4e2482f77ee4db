using Social.Testing.Hosting;

namespace Social.Web.Tests;

/// <summary>The session and profile settings, in a real browser (issue 12).</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class ProfileSettingsTests(BrowserFixture browser)
{
    [Fact(Timeout = 180_000)]
    public async Task After_the_embedded_server_restarts_without_the_account_the_page_goes_back_to_sign_in()
    {
        var port = FreePort.Next();
        var server = await WebServer.StartAsync(port);
        IBrowserContext? context = null;
        try
        {
            var alice = await server.RegisterAsync("alice", "Alice");
            context = await browser.NewContextAsync(server.BaseAddress);
            var page = await SocialPage.OpenAsync(context);
            await page.SignInAsync(alice);

            // In-memory storage: the server that comes back on the same address has no accounts,
            // but its key still validates the page's token.
            await server.DisposeAsync();
            await Expect(page.ConnectionState).ToHaveTextAsync("Reconnecting…");
            server = await WebServer.StartAsync(port);

            await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.Page.GetByText("Your session has ended. Please sign in again.")).ToBeVisibleAsync();
            await Expect(page.Page.Locator("#topbar")).ToBeHiddenAsync();
            Assert.Null(await page.Page.EvaluateAsync<string?>("localStorage.getItem('social.session')"));
            page.AssertHealthy();
        }
        finally
        {
            if (context is not null)
            {
                await context.CloseAsync();
            }

            await server.DisposeAsync();
        }
    }
    [Fact(Timeout = 180_000)]
    public async Task A_new_display_name_is_saved_and_friends_see_it()
    {
        await using var server = await WebServer.StartAsync();
        var alice = await server.RegisterAsync("alice", "Alice");
        var bob = await server.RegisterAsync("bob", "Bob");
        await server.MakeFriendsAsync(alice, bob);
        var contextA = await browser.NewContextAsync(server.BaseAddress);
        var contextB = await browser.NewContextAsync(server.BaseAddress, phone: true);
        try
        {
            var a = await SocialPage.OpenAsync(contextA);
            var b = await SocialPage.OpenAsync(contextB);
            await a.SignInAsync(alice);
            await b.SignInAsync(bob);
            await b.GoToFriendsAsync();
            await Expect(SocialPage.Person(b.FriendList, alice.Username)).ToContainTextAsync("Alice");

            await OpenSettingsAsync(a);
            var name = a.Page.GetByRole(AriaRole.Textbox, new() { Name = "Display name", Exact = true });
            await Expect(name).ToHaveValueAsync("Alice");
            await name.FillAsync("  Alice Liddell  ");
            await a.Page.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();

            await Expect(a.Page.GetByText("Display name saved.")).ToBeVisibleAsync();
            await Expect(name).ToHaveValueAsync("Alice Liddell");
            await b.Page.ReloadAsync();
            await b.GoToFriendsAsync();
            await Expect(SocialPage.Person(b.FriendList, alice.Username)).ToContainTextAsync("Alice Liddell");
            await Screenshots.SaveAsync(a.Page, "settings-display-name");
            a.AssertHealthy();
            b.AssertHealthy();
        }
        finally
        {
            await contextA.CloseAsync();
            await contextB.CloseAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Changing_the_password_shows_each_error_once_then_keeps_this_tab_and_signs_out_the_other_device()
    {
        await using var server = await WebServer.StartAsync();
        var alice = await server.RegisterAsync("alice", "Alice");
        var laptop = await browser.NewContextAsync(server.BaseAddress);
        var phone = await browser.NewContextAsync(server.BaseAddress, phone: true);
        try
        {
            var a = await SocialPage.OpenAsync(laptop);
            var other = await SocialPage.OpenAsync(phone);
            await a.SignInAsync(alice);
            await other.SignInAsync(alice);
            await OpenSettingsAsync(a);
            var current = a.Page.GetByLabel("Current password");
            var next = a.Page.GetByLabel("New password", new() { Exact = true });
            var repeat = a.Page.GetByLabel("Repeat the new password");
            var change = a.Page.GetByRole(AriaRole.Button, new() { Name = "Change password" });

            await current.FillAsync("not my password");
            await next.FillAsync("a brand new secret");
            await repeat.FillAsync("a brand new secret");
            await change.ClickAsync();
            await Expect(a.Page.GetByText("The current password is wrong.")).ToHaveCountAsync(1);
            await Expect(current).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(a.Page.Locator(".settings-section p.error[role=alert]:visible")).ToHaveCountAsync(0);

            await current.FillAsync(alice.Password);
            await repeat.FillAsync("something else");
            await change.ClickAsync();
            await Expect(a.Page.GetByText("The new passwords do not match.")).ToHaveCountAsync(1);
            await Expect(a.Page.GetByText("The current password is wrong.")).ToHaveCountAsync(0);

            await repeat.FillAsync("a brand new secret");
            await change.ClickAsync();

            await Expect(a.Page.GetByText("Password changed. Your other devices were signed out.")).ToBeVisibleAsync();
            await Expect(a.ConnectionState).ToHaveTextAsync("Connected");
            await Expect(other.Page.GetByText("Your session has ended. Please sign in again.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(other.Page.Locator("#topbar")).ToBeHiddenAsync();

            // This tab goes on with its new token; the new password signs in, the old one does not.
            await a.GoToFriendsAsync();
            await a.SearchAsync("nobody_matches_this");
            await other.Page.GetByLabel("Username").FillAsync(alice.Username);
            await other.Page.GetByLabel("Password").FillAsync(alice.Password);
            await other.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(other.Page.GetByText("Wrong username or password.")).ToHaveCountAsync(1);
            await other.SignInAsync(alice with { Password = "a brand new secret" });
            await Screenshots.SaveAsync(other.Page, "phone-after-password-change");
            a.AssertHealthy();
            other.AssertHealthy();
        }
        finally
        {
            await laptop.CloseAsync();
            await phone.CloseAsync();
        }
    }

    private static async Task OpenSettingsAsync(SocialPage page)
    {
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();
    }
}
