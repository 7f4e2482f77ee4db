using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Social.Testing;

namespace Social.WebFront.Tests;

/// <summary>
/// A fresh server warms up while it starts (a throwaway in-memory copy of itself sends messages,
/// the message store runs its statements, the hub protocols and the metrics scrape run once), so
/// its first users do not pay for it; the warm-up stores nothing in the real database.
/// </summary>
public sealed class WarmUpTests
{
    [Fact]
    public async Task A_server_on_PostgreSQL_warms_up_as_it_starts_and_stores_nothing_doing_so()
    {
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("warmup");
        await using var server = new WarmingServer(connectionString);

        Assert.Equal(HttpStatusCode.OK, (await server.CreateLoopbackClient().GetAsync("/health/ready")).StatusCode);

        // The scrape runs once the server has started; give it a moment on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Logged(server, "Warmed up the front's metrics scrape") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var sandbox = Assert.Single(server.Entries, entry => entry.Message.StartsWith("Warmed up the send and push path in a sandbox", StringComparison.Ordinal));
        var counts = Regex.Match(sandbox.Message, @": (\d+) messages sent and (\d+) pushed");
        Assert.True(counts.Success, sandbox.Message);
        Assert.True(int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture) > 0, sandbox.Message);
        Assert.True(int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture) > 0, sandbox.Message);
        Assert.True(Logged(server, "Message store warmed up"));
        Assert.True(Logged(server, "Warmed up the front's hub protocols"));
        Assert.True(Logged(server, "Warmed up the front's metrics scrape"));
        var failures = server.Entries.Where(entry => entry.Level >= LogLevel.Warning && entry.Message.Contains("warm", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Category}: {f.Message} {f.Exception}")));

        // The sandbox's users and messages lived in its own memory only.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var table in (string[])["messages", "conversations", "conversation_members", "users"])
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }
    }

    /// <summary>The logging server on PostgreSQL, with the sandbox warm-up the test kit turns off.</summary>
    private sealed class WarmingServer(string connectionString)
        : LogCapturingServer(connectionString, new Dictionary<string, string?> { ["Social:WarmUp:Sandbox"] = "true" });

    private static bool Logged(LogCapturingServer server, string prefix) =>
        server.Entries.Any(entry => entry.Level == LogLevel.Information && entry.Message.StartsWith(prefix, StringComparison.Ordinal));
}
