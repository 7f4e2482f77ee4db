using System.Net.Http.Json;
using Microsoft.Extensions.Logging;


namespace Social.WebFront.Tests;

/// <summary>What a server logs while it stops: an operator reads every error line of a deploy.</summary>
public sealed class ShutdownLoggingTests
{
    [Fact]
    public async Task A_server_that_stops_after_pushing_events_logs_no_errors()
    {
        var server = new LogCapturingServer();
        try
        {
            var ((_, a), (bClient, b)) = await RawHttp.FriendsAsync(server.CreateLoopbackClient);
            await using var hub = await EventRecorder.ConnectAsync(server.BaseAddress, a.AccessToken);
            await bClient.PostAsJsonAsync("/api/messages/send", new { recipientId = a.UserId, content = "before the stop", clientMessageId = "stop-1" });
            await hub.NextAsync("new_message");
        }
        finally
        {
            await server.DisposeAsync();
        }

        var errors = server.Entries.Where(entry => entry.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name}")));
    }
}
