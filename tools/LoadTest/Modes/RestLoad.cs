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

        Progress.Say($"Registering {options.Pairs * 2} users ({options.RegisterConcurrency} in flight; the server hashes each password with PBKDF2)...");
        var (users, registration) = await api.RegisterAsync(tag, options.Pairs * 2, options.RegisterConcurrency, cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {registration.Succeeded} registered in {registration.Seconds:0.0} s = {registration.PerSecond:0.0}/s"));
        SetupPhase.RequireAll(registration, "registration");

        var pairs = Enumerable.Range(0, users.Length / 2).Select(i => (users[2 * i], users[(2 * i) + 1])).ToArray();
        Progress.Say($"Making {pairs.Length} friend pairs (request + accept)...");
        var pairing = await api.PairAsync(pairs, 64, cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {pairing.Succeeded} pairs in {pairing.Seconds:0.0} s = {pairing.PerSecond:0.0}/s"));
        SetupPhase.RequireAll(pairing, "pairing");

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
