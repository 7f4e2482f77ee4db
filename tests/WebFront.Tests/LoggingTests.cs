using Social.Testing.Users;
using System.Net;
using System.Net.Http.Json;
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
    public async Task A_hub_send_shed_at_capacity_is_answered_unavailable_and_not_logged_as_an_error()
    {
        var ((aClient, a), (_, b)) = await RawHttp.FriendsAsync(server.CreateLoopbackClient);
        await using var hub = await EventRecorder.ConnectAsync(server.BaseAddress, a.AccessToken);

        // REST sends keep the front's single permit busy while the hub sends, until one is shed.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var rest = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await aClient.PostAsJsonAsync("/api/messages/send", new { recipientId = b.UserId, content = $"rest {worker}.{i}", clientMessageId = $"rest-{worker}-{i}" });
            }
        })));
        string? refusal = null;
        for (var i = 0; refusal is null && !stop.IsCancellationRequested; i++)
        {
            try
            {
                await hub.Connection.InvokeAsync<System.Text.Json.JsonElement>("SendMessage", new { recipientId = b.UserId, content = $"hub {i}", clientMessageId = $"hub-{i}" });
            }
            catch (HubException exception)
            {
                refusal = exception.Message;
            }
        }

        await stop.CancelAsync();
        await rest;
        Assert.True(refusal is not null, "no hub send was shed within a minute");
        Assert.Contains("unavailable", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Entries, entry => entry.Level >= LogLevel.Error && entry.Message.Contains("hub method", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(server.Entries, entry => entry.Exception is Overload.OverloadedException);
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
