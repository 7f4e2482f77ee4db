using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.Bench;

/// <summary>
/// Friend request + accept pairs through the public HTTP API of the real front end, started as a
/// child process on loopback: registration (PBKDF2) first, measured separately, then the pairs.
/// </summary>
public static class HttpBenchmark
{
    private const string Password = "bench-password-1";

    public static async Task<Measurement> RunAsync(
        BenchOptions options, BenchDatabase database, TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine($"Starting {Path.GetFileName(options.WebFrontAssembly)}...");
        await using var server = await WebFrontProcess.StartAsync(options.WebFrontAssembly, database.ConnectionString, cancellationToken);
        progress.WriteLine($"  ready on {server.BaseAddress}");

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        // Users 0..2W-1 are the warm-up's, 2W.. the measured pairs': pair i is (2i, 2i+1).
        var run = RunTag.New();
        var users = new Registered[2 * (options.WarmupPairs + options.Pairs)];
        progress.WriteLine($"Registering {users.Length} users, {options.Concurrency} in flight...");
        var registrations = await Load.RunAsync(users.Length, options.Concurrency, async (i, ct) =>
        {
            using var response = await http.PostAsJsonAsync(new Uri("/api/auth/register", UriKind.Relative),
                new { username = $"{run}_{i}", password = Password }, ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return await Describe("register", response, ct);
            }

            users[i] = await response.Content.ReadFromJsonAsync<Registered>(ct)
                ?? throw new InvalidOperationException("Registration answered without a body.");
            return null;
        }, cancellationToken);
        progress.WriteLine($"  {registrations.Succeeded} ok, {registrations.Failed} failed, {registrations.PerSecond:0.0}/s");
        cancellationToken.ThrowIfCancellationRequested();
        if (registrations.Failed > 0)
        {
            throw new InvalidOperationException(
                $"Registration failed ({string.Join(", ", registrations.Errors.Select(e => $"{e.Key} x{e.Value}"))}); not measuring friend requests.");
        }

        var offset = 2 * options.WarmupPairs;
        using var self = Process.GetCurrentProcess();
        return await Measurement.RunAsync(options, database,
            warmupPair: (i, ct) => Pair(http, users[2 * i], users[(2 * i) + 1], ct),
            pair: (i, ct) => Pair(http, users[offset + (2 * i)], users[offset + (2 * i) + 1], ct),
            processes: new Dictionary<string, Func<TimeSpan>>
            {
                ["WebFront (HTTP + silo)"] = () => server.ProcessorTime,
                ["bench process (HTTP load)"] = () => CpuMeter.ProcessorTimeOf(self),
            },
            registrations, progress, cancellationToken);
    }

    /// <summary>One pair: <paramref name="a"/> sends a request to <paramref name="b"/>, who accepts it.</summary>
    private static async Task<string?> Pair(HttpClient http, Registered a, Registered b, CancellationToken cancellationToken)
    {
        using (var response = await Post(http, $"/api/friends/request/{Uri.EscapeDataString(b.UserId)}", a, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.OK || await StatusOf(response, cancellationToken) != "pending")
            {
                return await Describe("request", response, cancellationToken);
            }
        }

        using (var response = await Post(http, $"/api/friends/accept/{Uri.EscapeDataString(a.UserId)}", b, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.OK || await StatusOf(response, cancellationToken) != "accepted")
            {
                return await Describe("accept", response, cancellationToken);
            }
        }

        return null;
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, string path, Registered caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.AccessToken);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<string?> StatusOf(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await response.Content.ReadFromJsonAsync<FriendStatus>(cancellationToken))?.Status;

    /// <summary>"request 409 already_friends": the step, the status and the problem's code when there is one.</summary>
    private static async Task<string> Describe(string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            code = problem.RootElement.TryGetProperty("code", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
        }

        return $"{step} {(int)response.StatusCode}{(code is null ? "" : " " + code)}";
    }

    private sealed record Registered(string UserId, string AccessToken);

    private sealed record FriendStatus(string Status);
}
