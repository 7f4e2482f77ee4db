using System.Text.Json;

namespace Social.WebFront.Tests;

/// <summary>One user holds at most Social:Realtime:MaxConnectionsPerUser (32) connections on a front.</summary>
[Collection(KestrelServerDefinition.Name)]
public sealed class ConnectionLimitTests(KestrelApiFactory server)
{
    [Fact]
    public async Task A_user_past_the_connection_cap_is_refused_with_a_code_on_both_transports()
    {
        var user = await TestUsers.SignUpAsync(server.CreateLoopbackClient());
        var sockets = new List<RawSocket>();
        try
        {
            for (var i = 0; i < 32; i++)
            {
                var (socket, first) = await OpenAsync(user.AccessToken);
                Assert.Equal("auth_ok", first.GetProperty("type").GetString());
                sockets.Add(socket);
            }

            var (refused, answer) = await OpenAsync(user.AccessToken);
            sockets.Add(refused);
            Assert.Equal("too_many_connections", answer.GetProperty("code").GetString());

            var closedWith = new TaskCompletionSource<Exception?>();
            // The kit's bare hub connection: Social.Client's SocialConnection would only retry.
            await using var hub = EventRecorder.Create(server.BaseAddress, user.AccessToken);
            hub.Connection.Closed += error =>
            {
                closedWith.TrySetResult(error);
                return Task.CompletedTask;
            };
            try
            {
                await hub.Connection.StartAsync();
                var error = await closedWith.Task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Contains("too_many_connections", error?.Message, StringComparison.Ordinal);
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                Assert.Contains("too_many_connections", exception.Message, StringComparison.Ordinal);
            }

            // Closing one makes room for another.
            await sockets[0].CloseAsync();
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    var (socket, first) = await OpenAsync(user.AccessToken);
                    sockets.Add(socket);
                    return first.GetProperty("type").GetString() == "auth_ok";
                },
                "a closed connection made room for a new one",
                TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private Task<(RawSocket Socket, JsonElement First)> OpenAsync(string token) => RawSocket.OpenAsync(server.BaseAddress, token);
}
