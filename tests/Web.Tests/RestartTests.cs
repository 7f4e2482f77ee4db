using Social.Grains.Realtime;
using Social.Grains;
using Social.Testing.Hosting;
using Social.Testing;

namespace Social.Web.Tests;

/// <summary>The server goes away and comes back (on PostgreSQL, so the data stays): the pages follow.</summary>
[Collection(BrowserTestsDefinition.Name)]
public sealed class RestartTests(BrowserFixture browser)
{
    [Fact(Timeout = 240_000)]
    public async Task Both_pages_reconnect_after_a_server_restart_and_catch_up_without_gaps_or_doubles()
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("webrestart");
        var port = FreePort.Next();
        var server = await WebServer.StartAsync(port, connectionString);
        IBrowserContext? contextA = null, contextB = null;
        try
        {
            var alice = await server.RegisterAsync("alice", "Alice");
            var bob = await server.RegisterAsync("bob", "Bob");
            await server.MakeFriendsAsync(alice, bob);
            await server.SendAsync(alice, bob, "Before the restart");

            contextA = await browser.NewContextAsync(server.BaseAddress);
            contextB = await browser.NewContextAsync(server.BaseAddress, phone: true);
            var a = await SocialPage.OpenAsync(contextA);
            var b = await SocialPage.OpenAsync(contextB);
            await a.SignInAsync(alice);
            await b.SignInAsync(bob);
            await a.OpenChatFromFriendsAsync(bob.Username);
            await b.OpenConversationAsync(alice.Username);
            await Expect(b.Message("Before the restart")).ToBeVisibleAsync();

            // Hold the pages' reconnects back until messages were sent behind their backs, so
            // what they show next can only come from the afterSeq catch-up.
            foreach (var page in new[] { a, b })
            {
                await page.Page.RouteAsync("**/hubs/messages/negotiate**", route => route.AbortAsync());
            }

            await server.DisposeAsync();
            await Expect(a.ConnectionState).ToHaveTextAsync("Reconnecting…");
            await Expect(b.ConnectionState).ToHaveTextAsync("Reconnecting…");
            await Screenshots.SaveAsync(b.Page, "phone-chat-reconnecting");

            server = await WebServer.StartAsync(port, connectionString);
            string[] missed = ["Missed one (from Alice)", "Missed two (from Bob)", "Missed three (from Alice)"];
            await server.SendAsync(alice, bob, missed[0]);
            await server.SendAsync(bob, alice, missed[1]);
            await server.SendAsync(alice, bob, missed[2]);

            foreach (var page in new[] { a, b })
            {
                await page.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
            }

            foreach (var page in new[] { a, b })
            {
                await Expect(page.ConnectionState).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
                foreach (var text in missed)
                {
                    await Expect(page.Message(text)).ToHaveCountAsync(1);
                }

                await Expect(page.Messages).ToHaveCountAsync(4);
                var texts = await page.Page.Locator("#message-list .message .text").AllTextContentsAsync();
                Assert.Equal(["Before the restart", .. missed], texts);
            }

            await Expect(b.UnreadBadge).ToBeHiddenAsync(); // B's chat is open and visible: read

            // The connections stay up (no flapping) and live delivery works again, by push.
            foreach (var page in new[] { a, b })
            {
                await page.Page.EvaluateAsync(StateChangeRecorder);
            }

            // A round trip each way by push, rather than a fixed wait, is the time a flap would show in.
            await a.SendAsync("Live after the restart");
            await Expect(b.Message("Live after the restart")).ToHaveCountAsync(1);
            await b.SendAsync("And back");
            await Expect(a.Message("And back")).ToHaveCountAsync(1);
            await Expect(b.Messages).ToHaveCountAsync(6);
            foreach (var page in new[] { a, b })
            {
                Assert.Equal(0, await page.Page.EvaluateAsync<int>("window.__stateChanges.length"));
                await Expect(page.ConnectionState).ToHaveTextAsync("Connected");
            }

            a.AssertHealthy();
            b.AssertHealthy();
        }
        finally
        {
            if (contextA is not null)
            {
                await contextA.CloseAsync();
            }

            if (contextB is not null)
            {
                await contextB.CloseAsync();
            }

            await server.DisposeAsync();
        }
    }

    private const string StateChangeRecorder = """
        () => {
          window.__stateChanges = [];
          const state = document.getElementById('connection-state');
          new MutationObserver(() => window.__stateChanges.push(state.textContent))
            .observe(state, { childList: true, characterData: true, subtree: true, attributes: true });
        }
        """;
}
