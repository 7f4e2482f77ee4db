using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Modes;

public sealed record SignalROptions(
    int Users,
    IReadOnlyList<double> Rates,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Drain,
    bool MessagePack,
    int MessageSize,
    int RegisterConcurrency,
    int MaxInFlightPerUser,
    TimeSpan QuietWait,
    bool Relay = false,
    bool AllSteps = false,
    bool MintedUsers = false,
    bool Timeline = false);

/// <summary>One rate step's figures.</summary>
public sealed record StepResult(
    string Name,
    double OfferedPerSecond,
    double PerUserIntervalSeconds,
    double Seconds,
    long Sent,
    long Acknowledged,
    long Delivered,
    long NotDelivered,
    long SenderEchoes,
    long SkippedForBacklog,
    double SentPerSecond,
    double DeliveredPerSecond,
    double DeliveredInWindowPerSecond,
    LatencySummary DeliveryLatency,
    LatencySummary AcknowledgeLatency,
    double GeneratorLagMaxMs,
    SortedDictionary<string, int> Errors,
    CpuUse Cpu,
    GcActivity? ServerGc,
    IReadOnlyList<string> ServerStages,
    string? Timeline = null);

public sealed record SignalRResult(
    SetupPhase Registration,
    SetupPhase Pairing,
    SetupPhase Connecting,
    int ConnectionsHeldAtEnd,
    MemorySnapshot BeforeConnecting,
    MemorySnapshot Connected,
    MemorySnapshot AfterLoad,
    PerConnection MemoryPerConnection,
    long? PeakResidentBytes,
    IReadOnlyList<StepResult> Steps,
    long Acknowledged,
    long? StoredInPostgres,
    SortedDictionary<string, int> ConnectionErrors);

/// <summary>
/// N users as real SignalR connections, in friend pairs, each sending to its friend through the
/// hub at a fixed rate; end-to-end latency is send → the friend's connection receives
/// <c>new_message</c>, both ends in this process on one clock (Stopwatch).
/// </summary>
public sealed class SignalRLoad
{
    // Reads the server's /metrics at each step's start and end.
    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly SignalROptions _options;
    private readonly TargetServer _server;
    private readonly string _tag = RunTag.New();
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ErrorCounter _connectionErrors = new();
    private StepState? _window;
    private long _unmatched;
    private volatile bool _closing;

    private SignalRLoad(SignalROptions options, TargetServer server)
    {
        _options = options;
        _server = server;
    }

    public static Task<SignalRResult> RunAsync(SignalROptions options, TargetServer server, CancellationToken cancellationToken) =>
        new SignalRLoad(options, server).RunAsync(cancellationToken);

    private async Task<SignalRResult> RunAsync(CancellationToken cancellationToken)
    {
        var pid = _server.ProcessId;
        using var api = new SocialApi(_server.BaseAddress);

        if (_options.QuietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(pid, _options.QuietWait, cancellationToken))
        {
            Progress.Say("  still not quiet; registering anyway.");
        }

        var (pairs, registration, pairing) = _options.Relay
            ? RelayUsers(_options.Users / 2)
            : _options.MintedUsers
                ? await api.MintFriendPairsAsync(MintingTokens(), _tag, _options.Users / 2, cancellationToken)
                : await api.RegisterFriendPairsAsync(_tag, _options.Users / 2, _options.RegisterConcurrency, cancellationToken);

        var users = new UserState[pairs.Length * 2];
        foreach (var (a, b) in pairs)
        {
            users[a.Index] = new UserState(a, b.UserId);
            users[b.Index] = new UserState(b, a.UserId);
        }

        var before = await MemorySnapshot.TakeAsync("before connecting", pid, cancellationToken);
        Progress.Say($"Server before connecting: {before}");

        Progress.Say($"Opening {users.Length} SignalR connections ({(_options.MessagePack ? "MessagePack" : "JSON")})...");
        var connecting = await SocialApi.RunAsync("connect", users.Length, 32, async (i, ct) =>
        {
            await ConnectAsync(users[i], ct);
            return null;
        }, cancellationToken);
        SetupPhase.RequireAll(connecting, "connecting");
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var connected = await MemorySnapshot.TakeAsync("connected, idle", pid, cancellationToken);
        var perConnection = PerConnection.Between(before, connected, users.Count(u => u.Connection?.State == HubConnectionState.Connected));
        Progress.Say($"Server with connections open: {connected}; {perConnection}");

        var steps = new List<StepResult>();
        try
        {
            if (_options.Warmup > TimeSpan.Zero)
            {
                var warm = await RunStepAsync(users, "warm-up", _options.Rates[0], _options.Warmup, cancellationToken);
                Progress.Say(FormattableString.Invariant($"  warm-up: {warm.Delivered}/{warm.Sent} delivered, p99 {warm.DeliveryLatency.P99:0.0} ms"));
            }

            foreach (var rate in _options.Rates)
            {
                var step = await RunStepAsync(users, FormattableString.Invariant($"{rate:0} msg/s"), rate, _options.Duration, cancellationToken);
                steps.Add(step);
                Progress.Say(FormattableString.Invariant(
                    $"  {step.Name}: delivered {step.DeliveredPerSecond:0}/s ({step.Delivered}/{step.Sent}), latency p50/p95/p99/max {step.DeliveryLatency}, {step.Cpu}"));
                if (!_options.AllSteps && step.DeliveredInWindowPerSecond < 0.8 * step.OfferedPerSecond && rate != _options.Rates[^1])
                {
                    Progress.Say("  saturated (under 80% of the offered rate delivered within the step): not stepping higher.");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Progress.Say("Stopped by the overall timeout; reporting the steps that finished.");
        }

        var held = users.Count(u => u.Connection?.State == HubConnectionState.Connected);
        using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var afterLoad = await MemorySnapshot.TakeAsync("after the load", pid, closing.Token);
        var peak = pid is { } p ? ProcessProbe.PeakResidentBytes(p) : null;
        var stored = await _server.CountStoredMessagesAsync(_tag + ".", closing.Token);

        Progress.Say("Closing connections...");
        _closing = true;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (user, _) =>
        {
            if (user.Connection is { } connection)
            {
                await connection.DisposeAsync();
            }
        });

        return new SignalRResult(registration, pairing, connecting, held, before, connected, afterLoad, perConnection, peak, steps,
            steps.Sum(s => s.Acknowledged) + _warmupAcknowledged, stored, _connectionErrors.Snapshot());
    }

    private long _warmupAcknowledged;

    /// <summary>The relay has no accounts: a user is the id its connection names as its token.</summary>
    private AccessTokens MintingTokens() =>
        new(_server.SigningKey ?? throw new InvalidOperationException(
            $"--minted-users mints tokens: with --url, configure the server's Social:Auth:External (Issuer {AccessTokens.OutsideIssuer}, Audience social, SigningKey K) and pass --signing-key K."));

    private FriendPairs RelayUsers(int pairCount)
    {
        var users = Enumerable.Range(0, pairCount * 2)
            .Select(i => { var id = string.Create(CultureInfo.InvariantCulture, $"{_tag}-u{i}"); return new SimulatedUser(i, id, id, id); })
            .ToArray();
        var none = new SetupPhase(0, 0, 0, 0, LatencySummary.Of([]), []);
        return new FriendPairs(Enumerable.Range(0, pairCount).Select(i => (users[2 * i], users[(2 * i) + 1])).ToArray(), none, none);
    }

    private async Task ConnectAsync(UserState user, CancellationToken cancellationToken)
    {
        var connection = HubClient.Build(_server.BaseAddress, user.User.AccessToken, _options.MessagePack);
        connection.On<MessageView>("new_message", message => OnNewMessage(user, message));
        connection.Closed += exception =>
        {
            if (_closing)
            {
                return Task.CompletedTask;
            }

            _connectionErrors.Add(exception is null ? "connection closed" : $"connection closed: {ErrorCounter.Describe(exception)}");
            return Task.CompletedTask;
        };
        await connection.StartAsync(cancellationToken);
        user.Connection = connection;
    }

    private void OnNewMessage(UserState user, MessageView message)
    {
        var now = Stopwatch.GetTimestamp();
        if (message.SenderId == user.User.UserId)
        {
            // The sender's own connection hears its message too (the contract's "other tabs").
            _window?.AddEcho();
            return;
        }

        if (message.ClientMessageId is { } id && _pending.TryRemove(id, out var pending))
        {
            pending.Step.Delivered(pending.SentAt, Stopwatch.GetElapsedTime(pending.SentAt, now).TotalMilliseconds);
            _window?.ArrivedInWindow();
        }
        else
        {
            Interlocked.Increment(ref _unmatched);
        }
    }

    private async Task<StepResult> RunStepAsync(UserState[] users, string name, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (_options.QuietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(_server.ProcessId, _options.QuietWait, cancellationToken))
        {
            Progress.Say("  still not quiet; measuring anyway (see \"other\" in the CPU figures).");
        }

        var perUserInterval = users.Length / rate;
        var gc = _server.ProcessId is { } pid ? await GcProbe.WatchAsync(pid, cancellationToken) : null;
        var stages = _options.Relay ? null : await ServerStages.StartAsync(Scraper, _server.BaseAddress, cancellationToken);
        var cpu = CpuWindow.Start(_server.ProcessId);
        var started = Stopwatch.GetTimestamp();
        var state = new StepState(_options.Timeline ? new SecondBySecond(started) : null);
        _window = state;
        var sends = new List<Task>(capacity: (int)Math.Min(int.MaxValue, (rate * duration.TotalSeconds) + 16));

        await using (Progress.Show(() => state.Describe(name, Stopwatch.GetElapsedTime(started), duration, _pending.Count)))
        {
            // One dispatcher: send j is due at j / rate seconds and goes to user j mod N, so each
            // user sends every N / rate seconds and the users' sends are spread evenly over time.
            var secondsPerSend = 1.0 / rate;
            long next = 0;
            var last = (long)(duration.TotalSeconds * rate);
            while (next < last)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                while (next < last && next * secondsPerSend <= elapsed)
                {
                    state.Lag(elapsed - (next * secondsPerSend));
                    var user = users[(int)(next % users.Length)];
                    sends.Add(SendAsync(user, state, cancellationToken));
                    next++;
                }

                await Task.Delay(1, cancellationToken);
            }

            var window = Stopwatch.GetElapsedTime(started);
            _window = null;
            state.CloseWindow(window);
            var cpuUse = cpu.Stop();
            var stageLines = stages is null ? [] : await stages.StopAsync(Scraper, _server.BaseAddress, cancellationToken);
            var gcActivity = gc is null ? null : await gc.StopAsync(window);
            if (gc is not null)
            {
                await gc.DisposeAsync();
            }

            // Drain: wait for the step's acknowledgements and deliveries, within a bound.
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            drain.CancelAfter(_options.Drain);
            try
            {
                await Task.WhenAll(sends).WaitAsync(drain.Token);
                while (state.Outstanding > 0)
                {
                    await Task.Delay(50, drain.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever has not arrived by now counts as not delivered.
            }

            var notDelivered = 0;
            foreach (var (id, pending) in _pending)
            {
                if (pending.Step == state && _pending.TryRemove(id, out _))
                {
                    notDelivered++;
                }
            }

            if (name == "warm-up")
            {
                _warmupAcknowledged = state.Acknowledged;
            }

            return state.Result(name, rate, perUserInterval, notDelivered, cpuUse, gcActivity, stageLines);
        }
    }

    private async Task SendAsync(UserState user, StepState step, CancellationToken cancellationToken)
    {
        var connection = user.Connection;
        if (connection is null || connection.State != HubConnectionState.Connected)
        {
            step.Error("send: not connected");
            return;
        }

        if (Interlocked.Increment(ref user.InFlight) > _options.MaxInFlightPerUser)
        {
            Interlocked.Decrement(ref user.InFlight);
            step.Skipped();
            return;
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{_tag}.{user.User.Index}.{Interlocked.Increment(ref user.Sequence)}");
        var content = id.Length >= _options.MessageSize ? id : id + " " + new string('x', _options.MessageSize - id.Length - 1);
        var sentAt = Stopwatch.GetTimestamp();
        _pending[id] = new Pending(sentAt, step);
        step.Sent(sentAt);
        try
        {
            await connection.InvokeAsync<MessageView>("SendMessage", new Social.Client.SendMessageRequest(user.PeerId, content, id), cancellationToken);
            step.Acknowledge(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _pending.TryRemove(id, out _);
            step.Error($"send: {ErrorCounter.Describe(exception)}", sentAt);
        }
        finally
        {
            Interlocked.Decrement(ref user.InFlight);
        }
    }

    private sealed record Pending(long SentAt, StepState Step);

    private sealed class UserState(SimulatedUser user, string peerId)
    {
        public int InFlight;
        public long Sequence;

        public SimulatedUser User { get; } = user;

        public string PeerId { get; } = peerId;

        public HubConnection? Connection { get; set; }
    }

    /// <summary>Counters of one step, updated from many threads.</summary>
    private sealed class StepState(SecondBySecond? timeline)
    {
        private readonly LatencyRecorder _delivery = new();
        private readonly LatencyRecorder _acknowledge = new();
        private readonly ErrorCounter _errors = new();
        private readonly Lock _lagGate = new();
        private long _sent;
        private long _acknowledged;
        private long _delivered;
        private long _failed;
        private long _echoes;
        private long _skipped;
        private long _arrivedInWindow;
        private double _maxLagSeconds;
        private TimeSpan _window;

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        /// <summary>Sends still waiting for their acknowledgement or their delivery.</summary>
        public long Outstanding => Interlocked.Read(ref _sent) - Interlocked.Read(ref _delivered) - Interlocked.Read(ref _failed);

        public void Sent(long sentAt)
        {
            Interlocked.Increment(ref _sent);
            timeline?.Sent(sentAt);
        }

        public void Skipped() => Interlocked.Increment(ref _skipped);

        public void AddEcho() => Interlocked.Increment(ref _echoes);

        public void ArrivedInWindow() => Interlocked.Increment(ref _arrivedInWindow);

        public void Acknowledge(double milliseconds)
        {
            Interlocked.Increment(ref _acknowledged);
            _acknowledge.Add(milliseconds);
        }

        public void Delivered(long sentAt, double milliseconds)
        {
            Interlocked.Increment(ref _delivered);
            _delivery.Add(milliseconds);
            timeline?.Delivered(sentAt, milliseconds);
        }

        public void Error(string kind, long? sentAt = null)
        {
            Interlocked.Increment(ref _failed);
            _errors.Add(kind);
            if (sentAt is { } at)
            {
                timeline?.Failed(at);
            }
        }

        public void Lag(double seconds)
        {
            lock (_lagGate)
            {
                _maxLagSeconds = Math.Max(_maxLagSeconds, seconds);
            }
        }

        public void CloseWindow(TimeSpan window) => _window = window;

        public string Describe(string name, TimeSpan elapsed, TimeSpan duration, int pending) => FormattableString.Invariant(
            $"{name} {elapsed.TotalSeconds:0}/{duration.TotalSeconds:0} s: sent {Interlocked.Read(ref _sent)}, acked {Interlocked.Read(ref _acknowledged)}, delivered {Interlocked.Read(ref _delivered)} ({Interlocked.Read(ref _delivered) / Math.Max(0.001, elapsed.TotalSeconds):0}/s), in flight {pending}, errors {_errors.Total}");

        public StepResult Result(string name, double rate, double perUserInterval, long notDelivered, CpuUse cpu, GcActivity? gc, IReadOnlyList<string> stages)
        {
            var seconds = _window.TotalSeconds;
            return new StepResult(name, rate, Math.Round(perUserInterval, 4), Math.Round(seconds, 2),
                _sent, _acknowledged, _delivered, notDelivered, _echoes, _skipped,
                Math.Round(_sent / seconds, 1), Math.Round(_delivered / seconds, 1), Math.Round(_arrivedInWindow / seconds, 1),
                _delivery.Summarize(), _acknowledge.Summarize(), Math.Round(_maxLagSeconds * 1000, 1), _errors.Snapshot(), cpu, gc, stages,
                timeline?.Table());
        }
    }
}
