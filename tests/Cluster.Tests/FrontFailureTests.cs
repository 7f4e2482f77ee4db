using Microsoft.AspNetCore.SignalR.Client;
using Social.Client;
using Xunit.Abstractions;

namespace Social.Cluster.Tests;

/// <summary>
/// Two silos and two fronts behind a loopback TCP balancer. B is connected through the balancer
/// to front 1 when front 1 is killed: B's client reconnects by itself (SignalR's automatic
/// reconnect) through the same URL to front 2, and catches up with <c>afterSeq</c> on every
/// message it missed meanwhile. Timings go to the test output, never asserted.
/// </summary>
[Collection(ProcessClusterDefinition.Name)]
public sealed class FrontFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 300_000)]
    public async Task Clients_of_a_killed_front_reconnect_to_the_other_and_catch_up_with_afterSeq()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = budget.Token;
        await using var cluster = await LocalCluster.CreateAsync("cluster_front_kill");
        var clock = cluster.Clock;
        try
        {
            cluster.StartSilo("silo1", out _);
            cluster.StartSilo("silo2", out _);
            await cluster.WaitForActiveSilosAsync(2, ct);
            var (front1Process, front1) = cluster.StartFront("front1");
            var (_, front2) = cluster.StartFront("front2");
            await Task.WhenAll(cluster.WaitUntilReadyAsync(front1, ct), cluster.WaitUntilReadyAsync(front2, ct));
            await using var balancer = new LoopbackBalancer([front1, front2]);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F2}s two silos and two fronts ready; balancer {balancer.BaseAddress} → front 1, else front 2");

            // A uses front 2 directly; B goes through the balancer, which sends it to front 1.
            using var a = await Fronts.SignUpAsync(front2, "a", ct);
            using var b = await Fronts.SignUpAsync(balancer.BaseAddress, "b", ct);
            var conversationId = await TestUsers.BefriendAsync(a, b, ct);
            var (bHub, bLog) = await Fronts.ConnectReconnectingAsync(balancer.BaseAddress, b, clock, ct);
            await using var bHubDisposal = bHub;
            Assert.True(balancer.Routed[1] == 0, "the balancer sent traffic to front 2 while front 1 was up");

            var acknowledged = new List<Message>();
            await SendUntilHeardAsync(a, b, bHub, "before", acknowledged, ct);

            // Kill front 1; A keeps sending through front 2 until B's client is back (at most 60 s).
            var killedAt = clock.Elapsed;
            front1Process.Kill();
            output.WriteLine($"{killedAt.TotalSeconds:F2}s front1 (pid {front1Process.Id}) killed");
            for (var i = 1; bLog.ReconnectedAt is null && clock.Elapsed - killedAt < TimeSpan.FromSeconds(60); i++)
            {
                acknowledged.Add(await SendAsync(a, b, $"during-{i}", ct));
                await Task.Delay(200, ct);
            }

            output.WriteLine($"B's connection: {bHub.Connection.State}; events: {string.Join(", ", bLog.Events)}");
            Assert.True(bLog.ReconnectedAt is not null, "B's client did not reconnect within 60 s");
            Assert.Equal(HubConnectionState.Connected, bHub.Connection.State);
            Assert.True(balancer.Routed[1] > 0, "B's client did not reach front 2");
            output.WriteLine($"MEASURED B's client reconnected to front 2 {(bLog.ReconnectedAt!.Value - killedAt).TotalSeconds:F2}s after front 1 was killed");

            // Catch up: everything after the last seq B heard in order, read with afterSeq pages.
            var heard = bHub.Messages().Where(m => m.ConversationId == conversationId).Select(m => m.Seq).ToHashSet();
            var lastInOrder = 0L;
            while (heard.Contains(lastInOrder + 1))
            {
                lastInOrder++;
            }

            var catchUp = await b.Client.HistoryAsync(conversationId, lastInOrder, ct);
            var seen = Enumerable.Range(1, (int)lastInOrder).Select(i => (long)i).Concat(catchUp.Select(m => m.Seq)).ToList();
            Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
            var seenIds = catchUp.Select(m => m.MessageId).ToHashSet();
            Assert.All(acknowledged.Where(m => m.Seq > lastInOrder), m => Assert.Contains(m.MessageId, seenIds));
            Assert.All(acknowledged.Where(m => m.Seq <= lastInOrder), m => Assert.Contains(m.Seq, heard));
            output.WriteLine($"MEASURED B heard seqs 1..{lastInOrder} live before the kill; catch-up afterSeq={lastInOrder} returned {catchUp.Count} message(s), " +
                $"{acknowledged.Count} acknowledged in all, none missing");

            // And live again, on front 2.
            var after = await SendUntilHeardAsync(a, b, bHub, "after", acknowledged, ct);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F2}s B heard a new message live through front 2");

            // The hub still works for sending too, through the balancer.
            var viaHub = await bHub.Connection.InvokeAsync<Message>("SendMessage", new SendMessageRequest(a.UserId, "reply", "reply"), ct);
            Assert.Equal(after.Seq + 1, viaHub.Seq);
        }
        finally
        {
            cluster.WriteLogs(output);
        }
    }

    /// <summary>
    /// Sends until B's connection hears one: a subscription taken a moment ago (B just connected
    /// or reconnected) may miss an event published in the next few milliseconds, which is what
    /// catching up with afterSeq is for. Returns the last message sent.
    /// </summary>
    private async Task<Message> SendUntilHeardAsync(TestUser sender, TestUser recipient, EventRecorder listener, string prefix, List<Message> acknowledged, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var message = await SendAsync(sender, recipient, $"{prefix}-{attempt}", ct);
            acknowledged.Add(message);
            if (await listener.WaitForMessageAsync(message.Content, attempt == 10 ? PushTimeout : TimeSpan.FromSeconds(2), ct) is not null)
            {
                if (attempt > 1)
                {
                    output.WriteLine($"'{prefix}': the connection missed {attempt - 1} message(s) sent right after it subscribed");
                }

                return message;
            }
        }

        Assert.Fail($"B's connection heard none of ten '{prefix}' messages");
        throw new InvalidOperationException();
    }

    private static async Task<Message> SendAsync(TestUser sender, TestUser recipient, string content, CancellationToken ct)
    {
        try
        {
            return await sender.Client.Messages.SendAsync(new SendMessageRequest(recipient.UserId, content, content), ct);
        }
        catch (SocialApiException refused)
        {
            Assert.Fail($"send '{content}' through front 2 failed: {refused.Status} {refused.Code} {refused.Detail}");
            throw;
        }
    }
}
