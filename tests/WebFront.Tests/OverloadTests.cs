using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Social.Client;

namespace Social.WebFront.Tests;

/// <summary>
/// The overload contract with a tiny configured capacity (two sends in flight per front): past it
/// a send is refused at once with 503 <c>unavailable</c> and <c>Retry-After</c> (a hub send with a
/// HubException starting <c>unavailable</c>), never a 500, and nothing acknowledged is lost.
/// </summary>
public sealed class OverloadTests(OverloadTests.TinyCapacityServer server) : IClassFixture<OverloadTests.TinyCapacityServer>
{
    public sealed class TinyCapacityServer() : KestrelApiFactory(new Dictionary<string, string?>
    {
        ["Social:Overload:MaxConcurrentSends"] = "2",
        ["Social:RateLimits:MessagesPerSecond"] = "100000",
        ["Social:RateLimits:MessageBurst"] = "100000",
    });

    [Fact]
    public async Task Past_capacity_sends_are_refused_quickly_and_clearly_and_nothing_acknowledged_is_lost()
    {
        var pairs = new List<(HttpClient Sender, TestUser From, TestUser To, HttpClient Reader)>();
        for (var i = 0; i < 8; i++)
        {
            var aClient = server.CreateLoopbackClient();
            var a = await TestUsers.SignUpAsync(aClient);
            var bClient = server.CreateLoopbackClient();
            var b = await TestUsers.SignUpAsync(bClient);
            aClient.As(a);
            bClient.As(b);
            await aClient.PostAsync($"/api/friends/request/{b.UserId}", null);
            await bClient.PostAsync($"/api/friends/accept/{a.UserId}", null);
            pairs.Add((aClient, a, b, bClient));
        }

        var hubSender = pairs[0];
        await using var hub = hubSender.From.Client.Connect();
        await hub.StartAsync();

        // 400 REST sends at once, with a hub connection sending alongside.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var refused = new ConcurrentBag<(int Pair, string ClientId)>();
        var hubOutcomes = new ConcurrentBag<(string Code, TimeSpan? RetryAfter)>();
        var hubSends = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await hub.SendMessageAsync(new SendMessageRequest(hubSender.To.UserId, $"hub {i}", $"hub-{i}"));
                    hubOutcomes.Add(("ok", null));
                }
                catch (SocialApiException refusal) when (refusal.InnerException is HubException)
                {
                    hubOutcomes.Add((refusal.Code, refusal.RetryAfter));
                }
            }
        });
        await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            var pair = i % pairs.Count;
            var clientId = $"rest-{i}";
            var response = await pairs[pair].Sender.PostAsJsonAsync("/api/messages/send", new { recipientId = pairs[pair].To.UserId, content = $"m {i}", clientMessageId = clientId }, ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                refused.Add((pair, clientId));
            }
        });
        await hubSends;

        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"unexpected {status}"));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Contains(HttpStatusCode.Created, statuses);
        Assert.All(hubOutcomes, outcome => Assert.True(outcome is ("ok", null) or (ErrorCodes.Unavailable, { TotalSeconds: > 0 }), outcome.ToString()));

        // Once the load drops, the refused sends go through on retry, each stored once.
        foreach (var (pair, clientId) in refused)
        {
            var index = int.Parse(clientId["rest-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var retried = await pairs[pair].Sender.PostAsJsonAsync("/api/messages/send", new { recipientId = pairs[pair].To.UserId, content = $"m {index}", clientMessageId = clientId });
            Assert.True(retried.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"retry answered {retried.StatusCode}");
        }

        var stored = new List<string>();
        foreach (var (sender, from, to, reader) in pairs)
        {
            var conversation = await (await reader.GetAsync($"/api/messages/conversations/with/{from.UserId}")).JsonAsync();
            var conversationId = conversation.GetProperty("conversationId").GetString();
            var history = await (await reader.GetAsync($"/api/messages/{conversationId}?afterSeq=0&limit=100")).JsonAsync();
            stored.AddRange(history.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).Where(c => c.StartsWith("m ", StringComparison.Ordinal)));
        }

        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"m {i}").Order(), stored.Order());
    }
}
