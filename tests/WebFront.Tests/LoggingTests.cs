using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Social.WebFront.Tests;

[Collection(LogCapturingServerDefinition.Name)]
public sealed class LoggingTests(LogCapturingServer server)
{
    [Fact]
    public async Task A_refused_hub_call_is_not_logged_as_an_error()
    {
        var user = await TestUsers.SignUpAsync(server.CreateLoopbackClient());
        await using var hub = await EventRecorder.ConnectAsync(server.BaseAddress, user.AccessToken);

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync("Typing", $"dm_{Guid.NewGuid():N}"));

        Assert.Contains("conversation_not_found", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Entries, entry => entry.Exception is HubException);
        Assert.DoesNotContain(server.Entries, entry => entry.Level >= LogLevel.Error && entry.Message.Contains("hub method", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_access_token_of_a_hub_connection_never_reaches_the_logs()
    {
        var user = await TestUsers.SignUpAsync(server.CreateLoopbackClient());

        await using (var hub = await EventRecorder.ConnectAsync(server.BaseAddress, user.AccessToken))
        {
            await hub.Connection.InvokeAsync("Typing", $"dm_{Guid.NewGuid():N}").ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var negotiate = await server.CreateLoopbackClient().PostAsync($"/hubs/messages/negotiate?negotiateVersion=1&access_token={user.AccessToken}", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.DoesNotContain(server.Entries, entry => entry.Message.Contains(user.AccessToken, StringComparison.Ordinal));
        Assert.Contains(server.Entries, entry => entry.Level == LogLevel.Information);
    }
}
