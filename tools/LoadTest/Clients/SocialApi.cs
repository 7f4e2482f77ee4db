using System.Diagnostics;
using Social.Client;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Clients;

/// <summary>A user the run registered: its id, name and access token.</summary>
public sealed record SimulatedUser(int Index, string UserId, string Username, string AccessToken);

/// <summary>What a set-up phase (registrations, friend pairs) did.</summary>
public sealed record SetupPhase(int Attempted, int Succeeded, double Seconds, double PerSecond, LatencySummary Latency, SortedDictionary<string, int> Errors)
{
    /// <summary>Stops the run when any item of <paramref name="phase"/> failed: measuring on half a set-up would mislead.</summary>
    public static void RequireAll(SetupPhase phase, string what)
    {
        if (phase.Succeeded < phase.Attempted)
        {
            throw new InvalidOperationException(
                $"{phase.Attempted - phase.Succeeded} of {phase.Attempted} failed in {what} ({string.Join(", ", phase.Errors.Select(e => $"{e.Key} x{e.Value}"))}); not measuring.");
        }
    }
}

/// <summary>Registered users in friend pairs, and how their set-up went.</summary>
public sealed record FriendPairs((SimulatedUser A, SimulatedUser B)[] Pairs, SetupPhase Registration, SetupPhase Pairing);

/// <summary>The load test's set-up and REST sends, through <see cref="SocialClient"/> over one pooled HttpClient.</summary>
public sealed class SocialApi(Uri baseAddress) : IDisposable
{
    private const string Password = "load-test-password-1";

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(120),
    };

    private readonly SocialClientOptions _options = new() { BaseAddress = baseAddress };

    /// <summary>Registers <paramref name="count"/> users, <paramref name="concurrency"/> at a time (the server hashes each password with PBKDF2).</summary>
    public async Task<(SimulatedUser[] Users, SetupPhase Phase)> RegisterAsync(
        string runTag, int count, int concurrency, CancellationToken cancellationToken)
    {
        var users = new SimulatedUser?[count];
        var phase = await RunAsync("register", count, concurrency, async (i, ct) =>
        {
            var username = $"{runTag}_{i}";
            return await Refusal("register", async () =>
            {
                var registered = await new SocialClient(_http, _options).Auth.RegisterAsync(new RegisterRequest(username, Password), ct);
                users[i] = new SimulatedUser(i, registered.UserId, username, registered.AccessToken);
            });
        }, cancellationToken);
        return ([.. users.OfType<SimulatedUser>()], phase);
    }

    /// <summary>
    /// Registers 2 × <paramref name="pairCount"/> users and makes users 2i and 2i+1 friends; stops
    /// the run when any registration or pairing failed.
    /// </summary>
    public async Task<FriendPairs> RegisterFriendPairsAsync(
        string runTag, int pairCount, int registerConcurrency, CancellationToken cancellationToken)
    {
        Progress.Say($"Registering {pairCount * 2} users ({registerConcurrency} in flight; the server hashes each password with PBKDF2)...");
        var (users, registration) = await RegisterAsync(runTag, pairCount * 2, registerConcurrency, cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {registration.Succeeded} registered in {registration.Seconds:0.0} s = {registration.PerSecond:0.0}/s"));
        SetupPhase.RequireAll(registration, "registration");
        return await PairNeighboursAsync(users, registration, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="RegisterFriendPairsAsync"/>, with users of the outside issuer instead of
    /// registered ones: each is given an account by its first request (no password to hash).
    /// </summary>
    public async Task<FriendPairs> MintFriendPairsAsync(AccessTokens tokens, string runTag, int pairCount, CancellationToken cancellationToken)
    {
        var users = Enumerable.Range(0, pairCount * 2)
            .Select(i =>
            {
                var userId = FormattableString.Invariant($"{runTag}-m{i}");
                return new SimulatedUser(i, userId, userId, tokens.Mint(userId, TimeSpan.FromHours(12)));
            })
            .ToArray();
        Progress.Say($"Signing in {users.Length} users with minted tokens (the server gives each an account)...");
        var provisioning = await RunAsync("sign in", users.Length, 32, (i, ct) => Refusal("me", () => As(users[i]).Users.GetMeAsync(ct)), cancellationToken);
        SetupPhase.RequireAll(provisioning, "signing in");
        return await PairNeighboursAsync(users, provisioning, cancellationToken);
    }

    /// <summary>Makes users 2i and 2i+1 friends; stops the run when any pairing failed.</summary>
    private async Task<FriendPairs> PairNeighboursAsync(SimulatedUser[] users, SetupPhase signUp, CancellationToken cancellationToken)
    {
        var pairs = Enumerable.Range(0, users.Length / 2).Select(i => (users[2 * i], users[(2 * i) + 1])).ToArray();
        Progress.Say($"Making {pairs.Length} friend pairs (request + accept)...");
        var pairing = await PairAsync(pairs, 64, cancellationToken);
        Progress.Say(FormattableString.Invariant($"  {pairing.Succeeded} pairs in {pairing.Seconds:0.0} s = {pairing.PerSecond:0.0}/s"));
        SetupPhase.RequireAll(pairing, "pairing");
        return new FriendPairs(pairs, signUp, pairing);
    }

    /// <summary>Makes each pair friends: the first asks, the second accepts.</summary>
    public Task<SetupPhase> PairAsync(IReadOnlyList<(SimulatedUser A, SimulatedUser B)> pairs, int concurrency, CancellationToken cancellationToken) =>
        RunAsync("pair", pairs.Count, concurrency, async (i, ct) =>
        {
            var (a, b) = pairs[i];
            return await Refusal("request", () => As(a).Friends.RequestAsync(b.UserId, ct))
                ?? await Refusal("accept", () => As(b).Friends.AcceptAsync(a.UserId, ct));
        }, cancellationToken);

    /// <summary>One <c>POST /api/messages/send</c>: null when it was acknowledged (201, or 200 for a retry), else the status and code.</summary>
    public Task<string?> SendMessageAsync(SimulatedUser sender, string recipientId, string content, string clientMessageId, CancellationToken cancellationToken) =>
        Refusal("send", () => As(sender).Messages.SendAsync(new SendMessageRequest(recipientId, content, clientMessageId), cancellationToken));

    /// <summary>Creates a group of <paramref name="owner"/> and <paramref name="memberIds"/> (the owner's friends); its conversation id.</summary>
    public async Task<string> CreateGroupAsync(SimulatedUser owner, string name, IReadOnlyList<string> memberIds, CancellationToken cancellationToken) =>
        (await As(owner).Groups.CreateAsync(name, memberIds, cancellationToken)).ConversationId;

    /// <summary>One <c>POST /api/groups/{id}/messages</c>: null when it was acknowledged (201, or 200 for a retry), else the status and code.</summary>
    public Task<string?> SendGroupMessageAsync(SimulatedUser sender, string groupId, string content, string clientMessageId, CancellationToken cancellationToken) =>
        Refusal("send", () => As(sender).Groups.SendAsync(groupId, content, clientMessageId, cancellationToken));

    public void Dispose() => _http.Dispose();

    /// <summary>Runs items 0..count-1 with <paramref name="concurrency"/> in flight; each returns null or why it failed.</summary>
    public static async Task<SetupPhase> RunAsync(
        string name, int count, int concurrency, Func<int, CancellationToken, Task<string?>> item, CancellationToken cancellationToken)
    {
        var latencies = new LatencyRecorder();
        var errors = new ErrorCounter();
        var next = -1;
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        await using (Progress.Show(() => FormattableString.Invariant(
            $"{name}: {Volatile.Read(ref done)}/{count}, {Volatile.Read(ref done) / Math.Max(0.001, Stopwatch.GetElapsedTime(started).TotalSeconds):0.0}/s, {errors.Total} failed")))
        {
            var workers = Enumerable.Range(0, Math.Max(1, Math.Min(concurrency, count))).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var itemStarted = Stopwatch.GetTimestamp();
                    string? error;
                    try
                    {
                        error = await item(index, cancellationToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        error = $"{name}: {ErrorCounter.Describe(exception)}";
                    }

                    if (error is null)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(itemStarted).TotalMilliseconds);
                        Interlocked.Increment(ref done);
                    }
                    else
                    {
                        errors.Add(error);
                    }
                }
            }, cancellationToken)).ToList();
            await Task.WhenAll(workers);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var summary = latencies.Summarize();
        return new SetupPhase(count, summary.Count, Math.Round(seconds, 2), Math.Round(summary.Count / seconds, 1), summary, errors.Snapshot());
    }

    /// <summary>A client acting as <paramref name="user"/> (cheap: it shares the pooled HttpClient).</summary>
    private SocialClient As(SimulatedUser user)
    {
        var client = new SocialClient(_http, _options);
        client.UseAccessToken(user.AccessToken);
        return client;
    }

    /// <summary>Null when <paramref name="call"/> succeeded, else "request 409 already_friends": the step, the status and the code.</summary>
    private static async Task<string?> Refusal(string step, Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (SocialApiException refused)
        {
            return $"{step} {refused.Status} {refused.Code}";
        }
    }
}
