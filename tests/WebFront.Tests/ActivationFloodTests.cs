using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Social.WebFront.Tests;

/// <summary>Lookups of things that do not exist must not activate grains and keep them.</summary>
[Collection(SharedApiDefinition.Name)]
public sealed class ActivationFloodTests(SharedApiFactory factory, ITestOutputHelper output)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task History_of_random_conversation_ids_keeps_no_conversation_grains()
    {
        var caller = _client.As(await TestUsers.SignUpAsync(_client));
        var baseline = await ActivationsAsync("ConversationGrain");
        var rssBefore = WorkingSetMegabytes();

        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, cancellationToken) =>
        {
            var response = await caller.GetAsync($"/api/messages/dm_{Guid.NewGuid():N}", cancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });

        await Eventually.WaitUntilAsync(async () => await ActivationsAsync("ConversationGrain") <= baseline, "the conversation grains are gone", TimeSpan.FromSeconds(30));
        output.WriteLine($"RSS {rssBefore} MB before, {WorkingSetMegabytes()} MB after 2,000 lookups of random conversations");
    }

    [Fact]
    public async Task Batch_accept_of_random_ids_activates_no_pair_grains()
    {
        var caller = _client.As(await TestUsers.SignUpAsync(_client));
        var baseline = await ActivationsAsync("FriendshipGrain");

        for (var i = 0; i < 20; i++)
        {
            var ids = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
            var response = await caller.PostAsJsonAsync("/api/friends/batch-accept", ids);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(100, (await response.JsonAsync()).GetProperty("failed").GetArrayLength());
        }

        Assert.True(await ActivationsAsync("FriendshipGrain") <= baseline);
    }

    [Fact]
    public async Task Accepting_a_request_that_was_never_made_keeps_no_pair_grain()
    {
        var caller = _client.As(await TestUsers.SignUpAsync(_client));
        var others = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TestUsers.SignUpAsync(factory.CreateClient())));
        var baseline = await ActivationsAsync("FriendshipGrain");

        foreach (var other in others)
        {
            await (await caller.PostAsync($"/api/friends/accept/{other.UserId}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "no_pending_request");
        }

        await Eventually.WaitUntilAsync(async () => await ActivationsAsync("FriendshipGrain") <= baseline, "the pair grains are gone", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_refused_first_send_keeps_no_conversation_grain()
    {
        var caller = _client.As(await TestUsers.SignUpAsync(_client));
        var strangers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TestUsers.SignUpAsync(factory.CreateClient())));
        var baseline = await ActivationsAsync("ConversationGrain");

        foreach (var stranger in strangers)
        {
            var response = await caller.PostAsJsonAsync("/api/messages/send", new { recipientId = stranger.UserId, content = "hi" });
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "not_friends");
        }

        await Eventually.WaitUntilAsync(async () => await ActivationsAsync("ConversationGrain") <= baseline, "the conversation grains are gone", TimeSpan.FromSeconds(30));
    }

    private async Task<int> ActivationsAsync(string grainClass)
    {
        var management = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(grainClass, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static long WorkingSetMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024 * 1024);
    }
}
