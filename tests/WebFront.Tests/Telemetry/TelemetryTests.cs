using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Social.WebFront.Tests.Telemetry;

/// <summary>What an operator sees: /metrics, one trace per message, the Grafana dashboard's queries, the Orleans Dashboard.</summary>
public sealed partial class TelemetryTests(TelemetryServer server) : IClassFixture<TelemetryServer>
{
    private Task<(HttpClient Client, TestUser User)> SignUpAsync() => RawHttp.SignUpAsync(server.CreateClient());

    private Task<((HttpClient Client, TestUser User) A, (HttpClient Client, TestUser User) B)> FriendsAsync() => RawHttp.FriendsAsync(server.CreateClient);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string recipientId, string content) =>
        client.PostAsJsonAsync("/api/messages/send", new { recipientId, content });

    [Fact]
    public async Task Counters_move_after_a_send_a_refused_send_and_a_friend_request()
    {
        var before = await server.ScrapeAsync();

        var (a, b) = await FriendsAsync();
        var stranger = await SignUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(a.Client, b.User.UserId, "hello")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(a.Client, stranger.User.UserId, "hi?")).StatusCode);

        bool Moved(Scrape now, string name, double by, params string[] labels) => now.Sum(name, labels) >= before.Sum(name, labels) + by;
        var after = await server.ScrapeUntilAsync(now =>
            Moved(now, "social_messages_accepted_total", 1)
            && Moved(now, "social_messages_committed_total", 1)
            && Moved(now, "social_messages_refused_total", 1, "code=\"not_friends\"")
            && Moved(now, "social_friends_operations_total", 1, "operation=\"request\"", "outcome=\"ok\"")
            && Moved(now, "social_friends_operations_total", 1, "operation=\"accept\"", "outcome=\"ok\"")
            && Moved(now, "social_message_send_duration_seconds_count", 1)
            && Moved(now, "social_message_store_batch_size_count", 1));

        Assert.True(Moved(after, "social_messages_accepted_total", 1), "accepted did not move");
        Assert.True(Moved(after, "social_messages_committed_total", 1), "committed did not move");
        Assert.True(Moved(after, "social_messages_refused_total", 1, "code=\"not_friends\""), "refused{not_friends} did not move");
        Assert.True(Moved(after, "social_friends_operations_total", 1, "operation=\"request\"", "outcome=\"ok\""), "friend request did not count");
        Assert.True(Moved(after, "social_friends_operations_total", 1, "operation=\"accept\"", "outcome=\"ok\""), "friend accept did not count");
        Assert.True(Moved(after, "social_message_send_duration_seconds_count", 1), "send duration not recorded");
        Assert.True(Moved(after, "social_message_store_batch_size_count", 1), "batch size not recorded");
    }

    [Fact]
    public async Task One_message_is_one_trace_from_the_http_call_through_the_grains_to_the_insert()
    {
        var (a, b) = await FriendsAsync();
        var content = $"traced {Guid.NewGuid():N}";
        var response = await SendAsync(a.Client, b.User.UserId, content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var messageId = (await response.JsonAsync()).GetProperty("messageId").GetString();

        // The server span of this request: ASP.NET Core's, for POST /api/messages/send answered 201
        // with this message (the span ends once the response is written, so wait for it).
        List<Activity> trace = [];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var spans = server.Spans.Snapshot();
            var request = spans.LastOrDefault(span => span.Kind == ActivityKind.Server
                && span.DisplayName == "POST /api/messages/send"
                && span.GetTagItem("http.response.status_code") is 201
                && spans.Any(other => other.TraceId == span.TraceId && other.Source.Name == "Npgsql" && (other.GetTagItem("db.query.text") ?? other.GetTagItem("db.statement"))?.ToString()?.Contains("INSERT INTO messages", StringComparison.Ordinal) == true));
            if (request is not null)
            {
                trace = spans.Where(span => span.TraceId == request.TraceId).ToList();
                break;
            }

            await Task.Delay(50);
        }

        var described = string.Join("\n", server.Spans.Snapshot().TakeLast(60).Select(s => $"{s.TraceId} {s.Source.Name} {s.Kind} {s.DisplayName}"));
        Assert.True(trace.Count > 0, $"No trace joins the send's HTTP span to an INSERT INTO messages. Recent spans:\n{described}");
        Assert.Contains(trace, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.DisplayName.Contains("IConversationGrain", StringComparison.Ordinal));
        Assert.Contains(trace, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.DisplayName.Contains("IUserGrain", StringComparison.Ordinal));
        Assert.Contains(trace, span => span.Source.Name == "Social.Storage" && span.DisplayName == "message_store.batch");
        Assert.Single(trace, span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore");
        Assert.NotNull(messageId);

        // Orleans' own background (stream agents polling every 10 ms, timers) starts no traces.
        Assert.DoesNotContain(server.Spans.Snapshot(), span => span.ParentSpanId == default && span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_push_to_the_recipients_front_is_part_of_the_messages_trace()
    {
        var (a, b) = await FriendsAsync();
        await using var hub = await EventRecorder.ConnectAsync(server.BaseAddress, b.User.AccessToken);

        var content = $"pushed {Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(a.Client, b.User.UserId, content)).StatusCode);
        Assert.Equal(content, (await hub.NextAsync("new_message")).Data.GetProperty("content").GetString());

        // The send's server span, and a push span in its trace (it ends once written to the hub).
        var found = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!found && DateTime.UtcNow < deadline)
        {
            var spans = server.Spans.Snapshot();
            var sends = spans.Where(span => span.Kind == ActivityKind.Server && span.DisplayName == "POST /api/messages/send").Select(span => span.TraceId).ToHashSet();
            found = spans.Any(span => span.Source.Name == "Social.Push" && span.DisplayName == "push new_message" && sends.Contains(span.TraceId));
            if (!found)
            {
                await Task.Delay(50);
            }
        }

        var described = string.Join("\n", server.Spans.Snapshot().TakeLast(40).Select(s => $"{s.TraceId} {s.Source.Name} {s.Kind} {s.DisplayName}"));
        Assert.True(found, $"No 'push new_message' span in a send's trace. Recent spans:\n{described}");
    }

    [Fact]
    public async Task Every_metric_the_grafana_dashboard_queries_is_in_metrics()
    {
        // Everything the dashboard shows, done once: a connected recipient hears a message (and a
        // raw WebSocket connects), a send is refused, a friend request is made, logins fail until
        // the throttle refuses them.
        var (a, b) = await FriendsAsync();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = EventRecorder.Create(server.BaseAddress, b.User.AccessToken, onHeard: e =>
        {
            if (e.Name == "new_message")
            {
                heard.TrySetResult();
            }
        });
        await hub.Connection.StartAsync();
        var (socket, authOk) = await RawSocket.OpenAsync(server.BaseAddress, b.User.AccessToken);
        using var socketDisposal = socket;
        Assert.Equal("auth_ok", authOk.GetProperty("type").GetString());

        // A subscription may miss the first moment after connecting: send until the hub hears one.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!heard.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(a.Client, b.User.UserId, "for the dashboard")).StatusCode);
            await Task.WhenAny(heard.Task, Task.Delay(500));
        }

        Assert.True(heard.Task.IsCompleted, "The recipient's hub connection never heard new_message.");
        var stranger = await SignUpAsync();
        await SendAsync(a.Client, stranger.User.UserId, "refused");
        await a.Client.PostAsync($"/api/friends/request/{stranger.User.UserId}", null);
        using var anonymous = server.CreateClient();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await anonymous.PostAsJsonAsync("/api/auth/login", new { username = a.User.Username, password = "wrong password" });
        }

        var queried = GrafanaDashboard.QueriedMetricNames();
        Assert.NotEmpty(queried);
        var scrape = await server.ScrapeUntilAsync(now => queried.All(now.Names.Contains));
        var missing = queried.Where(name => !scrape.Names.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"The dashboard queries metrics /metrics does not have: {string.Join(", ", missing)}\n\n{scrape.Text}");
    }

    [Fact]
    public async Task The_orleans_dashboard_is_refused_without_the_admin_key_and_served_with_it()
    {
        using var client = server.CreateClient();

        var anonymous = await client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrongKey.Headers.Add("X-Admin-Key", "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrongKey)).StatusCode);

        using var withHeader = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        withHeader.Headers.Add("X-Admin-Key", SocialApiFactory.AdminKey);
        var page = await client.SendAsync(withHeader);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        using var withBasic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        withBasic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + SocialApiFactory.AdminKey)));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withBasic)).StatusCode);
    }
}

/// <summary>The provisioned Grafana dashboard in deploy/, and the metric names its queries use.</summary>
public static partial class GrafanaDashboard
{
    public static string PathInRepository => Path.Combine("deploy", "grafana", "dashboards", "social.json");

    public static IReadOnlySet<string> QueriedMetricNames()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Social.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, PathInRepository)));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in Expressions(json.RootElement))
        {
            // Label matchers and grouping clauses hold label names, not metrics: drop them first.
            var withoutLabels = LabelBlocks().Replace(expression, " ");
            foreach (Match match in MetricName().Matches(withoutLabels))
            {
                names.Add(match.Value);
            }
        }

        return names;
    }

    private static IEnumerable<string> Expressions(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else
                    {
                        foreach (var inner in Expressions(property.Value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var inner in Expressions(item))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    [GeneratedRegex(@"\{[^}]*\}|\b(by|without)\s*\([^)]*\)")]
    private static partial Regex LabelBlocks();

    // Our, Orleans', ASP.NET Core's, SignalR's and the runtime's metric families.
    [GeneratedRegex(@"\b(social|orleans|http|kestrel|signalr|aspnetcore|dotnet|db)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
