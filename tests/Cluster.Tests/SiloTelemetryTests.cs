using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Social.Client;

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

        using var a = await Fronts.SignUpAsync(front, "a", ct);
        using var b = await Fronts.SignUpAsync(front, "b", ct);
        using var stranger = await Fronts.SignUpAsync(front, "c", ct);
        await TestUsers.BefriendAsync(a, b, ct);
        Assert.Equal(1, (await a.Client.Messages.SendAsync(new SendMessageRequest(b.UserId, "hello"), ct)).Seq);
        var refused = await Assert.ThrowsAsync<SocialApiException>(() => a.Client.Messages.SendAsync(new SendMessageRequest(stranger.UserId, "hi?"), ct));
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);

        // A fresh silo: the counts are exactly this test's.
        var text = "";
        await Eventually.WaitUntilAsync(
            async () =>
            {
                text = await metrics.GetStringAsync("/metrics", ct);
                return Value(text, "social_messages_accepted_total") >= 1 && Value(text, "social_messages_committed_total") >= 1;
            },
            "the silo's metrics count the accepted and committed send",
            TimeSpan.FromSeconds(60),
            ct);

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
