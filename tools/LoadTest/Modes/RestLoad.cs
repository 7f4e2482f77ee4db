using System.Globalization;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Modes;

public sealed record RestOptions(int Pairs, SendPlan Plan, TimeSpan Warmup, int MessageSize, int RegisterConcurrency, TimeSpan QuietWait);

public sealed record RestResult(SetupPhase Registration, SetupPhase Pairing, DurableSends Sends);

/// <summary>
/// Durable messages through the HTTP API: the real WebFront (with its in-process silo) on
/// PostgreSQL, registered users in friend pairs, concurrent senders calling
/// <c>POST /api/messages/send</c> with a clientMessageId. A 201 means the message is committed.
/// </summary>
public static class RestLoad
{
    public static async Task<RestResult> RunAsync(RestOptions options, TargetServer server, CancellationToken cancellationToken)
    {
        using var api = new SocialApi(server.BaseAddress);
        var tag = RunTag.New();

        var (pairs, registration, pairing) = await api.RegisterFriendPairsAsync(tag, options.Pairs, options.RegisterConcurrency, cancellationToken);

        var content = new string('x', options.MessageSize);
        var sends = await DurableSends.MeasureAsync(options.Plan, options.Warmup, options.QuietWait, tag, server.ConnectionString, server.ProcessId,
            (prefix, n, ct) =>
            {
                // Round-robin over the conversations, alternating sides.
                var (a, b) = pairs[n % pairs.Length];
                var (from, to) = (n / pairs.Length) % 2 == 0 ? (a, b) : (b, a);
                return api.SendMessageAsync(from, to.UserId, content, prefix + n.ToString(CultureInfo.InvariantCulture), ct);
            }, cancellationToken);
        return new RestResult(registration, pairing, sends);
    }
}
