using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Social.Grains;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

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
        await using var silo = await InProcessSilo.StartAsync(connectionString, cancellationToken);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var tag = RunTag.New();
        var pairs = Enumerable.Range(0, options.Pairs).Select(i => ($"{tag}-{i}-a", $"{tag}-{i}-b")).ToArray();

        Progress.Say($"Making {pairs.Length} friend pairs through IFriendshipGrain...");
        var pairing = await SocialApi.RunAsync("pair", pairs.Length, 64, (i, _) => BefriendAsync(grains, pairs[i].Item1, pairs[i].Item2), cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {pairing.Succeeded} pairs in {pairing.Seconds:0.0} s"));

        // One reference per conversation, made before the clock starts: making one per send (a
        // SHA-256 and Orleans' reflection over the interface) took 4 % of this process's CPU,
        // which the silo inside it then lacked. The WebFront keeps its references the same way.
        var conversations = pairs.Select(pair => grains.GetDirectConversation(pair.Item1, pair.Item2)).ToArray();
        var content = new string('x', options.MessageSize);
        var sends = await DurableSends.MeasureAsync(options.Plan, options.Warmup, options.QuietWait, tag, connectionString, serverPid: null,
            async (prefix, n, _) =>
            {
                // Round-robin over the conversations, alternating sides.
                var (a, b) = pairs[n % pairs.Length];
                var (from, to) = (n / pairs.Length) % 2 == 0 ? (a, b) : (b, a);
                var result = await conversations[n % pairs.Length]
                    .Send(new SendMessageCommand(from, to, content, prefix + n.ToString(CultureInfo.InvariantCulture)));
                return result.Message is null ? $"send: {result.Error}" : null;
            }, cancellationToken);
        return new GrainsResult(pairing, sends);
    }

    /// <summary><paramref name="a"/> asks, <paramref name="b"/> accepts, through the pair's grain; null on success, else why not.</summary>
    public static async Task<string?> BefriendAsync(IGrainFactory grains, string a, string b)
    {
        var pair = grains.GetFriendship(a, b);
        var request = await pair.Request(a);
        if (!request.Succeeded)
        {
            return $"request: {request.Error}";
        }

        var accept = await pair.Accept(b);
        return accept is { Succeeded: true, Status: PeerStatus.Friends } ? null : $"accept: {accept.Error}";
    }
}
