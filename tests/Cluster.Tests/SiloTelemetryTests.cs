using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Social.Cluster.Tests;

/// <summary>A silo process's own HTTP port: its /metrics count what its grains decide; its dashboard needs the admin key.</summary>
[Collection(ProcessClusterDefinition.Name)]
public sealed partial class SiloTelemetryTests
{
    private const string AdminKey = "silo-telemetry-admin-key";

    [Fact(Timeout = 180_000)]
    public async Task A_silo_counts_a_send_a_refused_send_and_a_friend_request_in_its_metrics()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = budget.Token;
        await using var cluster = await LocalCluster.CreateAsync("cluster_silo_metrics");
        var silo = cluster.StartSilo("silo1", out _, AdminKey);
        await cluster.WaitForActiveSilosAsync(1, ct);
        var (_, front) = cluster.StartFront("front1");
        await cluster.WaitUntilReadyAsync(front, ct);
        using var metrics = new HttpClient { BaseAddress = cluster.HttpAddressOf(silo) };

        var a = await SocialApi.RegisterAsync(front, "a", ct);
        var b = await SocialApi.RegisterAsync(front, "b", ct);
        var stranger = await SocialApi.RegisterAsync(front, "c", ct);
        using var aHttp = SocialApi.Client(front, a);
        using var bHttp = SocialApi.Client(front, b);
        await SocialApi.BefriendAsync(aHttp, a, bHttp, b, ct);
        using (var sent = await aHttp.PostAsJsonAsync("/api/messages/send", new { recipientId = b.UserId, content = "hello" }, ct))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        using (var refused = await aHttp.PostAsJsonAsync("/api/messages/send", new { recipientId = stranger.UserId, content = "hi?" }, ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // A fresh silo: the counts are exactly this test's.
        string text;
        do
        {
            text = await metrics.GetStringAsync("/metrics", ct);
            if (Value(text, "social_messages_accepted_total") >= 1 && Value(text, "social_messages_committed_total") >= 1)
            {
                break;
            }

            await Task.Delay(100, ct);
        }
        while (true);

        Assert.Equal(1, Value(text, "social_messages_accepted_total"));
        Assert.Equal(1, Value(text, "social_messages_committed_total"));
        Assert.Equal(1, Value(text, "social_messages_refused_total", "code=\"not_friends\""));
        Assert.Equal(1, Value(text, "social_friends_operations_total", "operation=\"request\"", "outcome=\"ok\""));
        Assert.Equal(1, Value(text, "social_friends_operations_total", "operation=\"accept\"", "outcome=\"ok\""));
        Assert.Equal(1, Value(text, "social_cluster_silos"));
        Assert.True(Value(text, "orleans_catalog_activations") > 0, "no grain activations in the silo's metrics");

        // The silo's Orleans Dashboard: refused without the admin key, served with it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await metrics.GetAsync("/dashboard/", ct)).StatusCode);
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        withKey.Headers.Add("X-Admin-Key", AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await metrics.SendAsync(withKey, ct)).StatusCode);
    }

    /// <summary>The sum of the series of <paramref name="name"/> whose labels contain all of <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string name, params string[] labels) => exposition
        .Split('\n')
        .Select(line => SeriesLine().Match(line))
        .Where(match => match.Success && match.Groups["name"].Value == name && labels.All(label => match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
        .Sum(match => double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SeriesLine();
}
