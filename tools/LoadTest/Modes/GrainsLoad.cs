using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Social.Grains;
using Social.Grains.Friends;
using Social.Grains.Hosting;
using Social.Grains.Messages;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.Storage;

namespace Social.LoadTest.Modes;

public sealed record GrainsOptions(int Pairs, SendPlan Plan, TimeSpan Warmup, int MessageSize, TimeSpan QuietWait);

public sealed record GrainsResult(SetupPhase Pairing, DurableSends Sends);

/// <summary>
/// Durable messages straight through the grains: a silo in this process on PostgreSQL (the
/// production hosting code, no front end, no connections), many conversations, concurrent
/// senders. A send is answered only once its message is committed, so every answered send is
/// a durable message.
/// </summary>
public static class GrainsLoad
{
    public static async Task<GrainsResult> RunAsync(GrainsOptions options, string connectionString, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Social"] = connectionString,
            ["Social:Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Social:RateLimits:FriendRequestsPerMinute"] = "1000000",
            ["Social:RateLimits:MessagesPerSecond"] = "1000000",
            ["Social:RateLimits:MessageBurst"] = "1000000",
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSocialStorage(connectionString);
        builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));

        using var host = builder.Build();
        Progress.Say("Starting the silo (in this process)...");
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var tag = RunTag.New();
            var pairs = Enumerable.Range(0, options.Pairs).Select(i => ($"{tag}-{i}-a", $"{tag}-{i}-b")).ToArray();

            Progress.Say($"Making {pairs.Length} friend pairs through IFriendshipGrain...");
            var pairing = await SocialApi.RunAsync("pair", pairs.Length, 64, async (i, _) =>
            {
                var (a, b) = pairs[i];
                var pair = grains.GetFriendship(a, b);
                var request = await pair.Request(a);
                if (!request.Succeeded)
                {
                    return $"request: {request.Error}";
                }

                var accept = await pair.Accept(b);
                return accept is { Succeeded: true, Status: PeerStatus.Friends } ? null : $"accept: {accept.Error}";
            }, cancellationToken);
            Progress.Say(FormattableString.Invariant($"  {pairing.Succeeded} pairs in {pairing.Seconds:0.0} s"));

            var content = new string('x', options.MessageSize);
            var sends = await DurableSends.MeasureAsync(options.Plan, options.Warmup, options.QuietWait, tag, connectionString, serverPid: null,
                async (prefix, n, _) =>
                {
                    // Round-robin over the conversations, alternating sides.
                    var (a, b) = pairs[n % pairs.Length];
                    var (from, to) = (n / pairs.Length) % 2 == 0 ? (a, b) : (b, a);
                    var result = await grains.GetDirectConversation(from, to)
                        .Send(new SendMessageCommand(from, to, content, prefix + n.ToString(CultureInfo.InvariantCulture)));
                    return result.Message is null ? $"send: {result.Error}" : null;
                }, cancellationToken);
            return new GrainsResult(pairing, sends);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await host.StopAsync(stopping.Token);
            }
            catch (Exception exception)
            {
                Progress.Say($"The silo did not stop cleanly: {exception.Message}");
            }
        }
    }
}
