using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;
using Social.Testing.Realtime;

namespace Social.LoadTest.Modes;

public enum IdleTransport
{
    /// <summary>The seed's raw WebSocket protocol on /ws/messages (cheap on the client side).</summary>
    Ws,

    /// <summary>SignalR on /hubs/messages.</summary>
    SignalR,
}

public sealed record IdleOptions(int Connections, IdleTransport Transport, int ConnectionsPerUser, int ConnectConcurrency, TimeSpan Hold, int SourceAddresses, bool MessagePack, TimeSpan QuietWait);

public sealed record IdleResult(
    IdleTransport Transport,
    int Users,
    SetupPhase Connecting,
    int HeldAfterHold,
    MemorySnapshot Before,
    MemorySnapshot Connected,
    MemorySnapshot AfterHold,
    MemorySnapshot AfterClosing,
    PerConnection PerConnection,
    PerConnection PerConnectionAfterHold,
    CpuUse HoldCpu,
    SortedDictionary<string, int> Errors);

/// <summary>
/// N idle connections (each authenticated, each user's stream subscribed by the front), held
/// for a while (past the server's 15 s keep-alive ping), with the server's memory read before,
/// while held and after they are closed. Tokens are minted with the server's signing key:
/// connecting needs a valid token, not an account, and minting spares N PBKDF2 registrations.
/// </summary>
public static class IdleLoad
{
    public static async Task<IdleResult> RunAsync(IdleOptions options, TargetServer server, CancellationToken cancellationToken)
    {
        var signingKey = server.SigningKey
            ?? throw new InvalidOperationException(
                $"Idle mode mints tokens: with --url, configure the server's Social:Auth:External (Issuer {AccessTokens.OutsideIssuer}, Audience social, SigningKey K) and pass --signing-key K.");
        var tokens = new AccessTokens(signingKey);
        var tag = RunTag.New();
        var users = (options.Connections + options.ConnectionsPerUser - 1) / options.ConnectionsPerUser;
        var userTokens = Enumerable.Range(0, users).Select(u => tokens.Mint($"{tag}-{u}", TimeSpan.FromHours(12))).ToArray();
        var pid = server.ProcessId;
        var errors = new ErrorCounter();

        var invokers = Enumerable.Range(0, Math.Max(1, options.SourceAddresses)).Select(i => SourceBoundInvoker(i)).ToArray();
        var clients = new IdleClient?[options.Connections];
        try
        {
            if (options.QuietWait > TimeSpan.Zero && !await CpuUse.WaitForQuietAsync(pid, options.QuietWait, cancellationToken))
            {
                Progress.Say("  still not quiet; measuring anyway (see \"other\" in the CPU figures).");
            }

            var before = await MemorySnapshot.TakeAsync("before connecting", pid, cancellationToken);
            Progress.Say($"Server before connecting: {before}");
            Progress.Say($"Opening {options.Connections} idle {options.Transport} connections for {users} users ({options.ConnectConcurrency} at a time, {invokers.Length} loopback source address(es))...");
            var connecting = await SocialApi.RunAsync("connect", options.Connections, options.ConnectConcurrency, async (i, ct) =>
            {
                var token = userTokens[i / options.ConnectionsPerUser];
                clients[i] = options.Transport == IdleTransport.Ws
                    ? await RawClient.ConnectAsync(server.BaseAddress, token, invokers[i % invokers.Length], errors, ct)
                    : await HubIdleClient.ConnectAsync(server.BaseAddress, token, options.MessagePack, errors, ct);
                return null;
            }, cancellationToken);
            var open = clients.Count(c => c?.IsOpen == true);
            Progress.Say(FormattableString.Invariant($"  {open} open, {connecting.PerSecond:0}/s"));

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var connected = await MemorySnapshot.TakeAsync("connected", pid, cancellationToken);
            var perConnection = PerConnection.Between(before, connected, open);
            Progress.Say($"Server with {open} connections: {connected}; {perConnection}");

            Progress.Say($"Holding for {options.Hold.TotalSeconds:0} s (the server pings every 15 s and drops sockets silent for 30 s)...");
            var cpu = CpuWindow.Start(pid);
            var holdStarted = Stopwatch.GetTimestamp();
            await using (Progress.Show(() => FormattableString.Invariant(
                $"holding {Stopwatch.GetElapsedTime(holdStarted).TotalSeconds:0}/{options.Hold.TotalSeconds:0} s: {clients.Count(c => c?.IsOpen == true)} open, server RSS {MemorySnapshot.Mib(pid is { } p ? ProcessProbe.ResidentBytes(p) : null)}")))
            {
                await Task.Delay(options.Hold, cancellationToken);
            }

            var holdCpu = cpu.Stop();
            var held = clients.Count(c => c?.IsOpen == true);
            var afterHold = await MemorySnapshot.TakeAsync("after holding", pid, cancellationToken);
            var perConnectionAfterHold = PerConnection.Between(before, afterHold, held);
            Progress.Say($"After holding: {held} still open; {afterHold}; {perConnectionAfterHold}");

            Progress.Say("Closing...");
            await CloseAllAsync(clients);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var afterClosing = await MemorySnapshot.TakeAsync("after closing", pid, cancellationToken);
            Progress.Say($"After closing: {afterClosing}");

            return new IdleResult(options.Transport, users, connecting, held, before, connected, afterHold, afterClosing,
                perConnection, perConnectionAfterHold, holdCpu, errors.Snapshot());
        }
        finally
        {
            await CloseAllAsync(clients);
            foreach (var invoker in invokers)
            {
                invoker?.Dispose();
            }
        }
    }

    private static async Task CloseAllAsync(IdleClient?[] clients)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, clients.Length), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            if (Interlocked.Exchange(ref clients[i], null) is { } client)
            {
                await client.DisposeAsync();
            }
        });
    }

    /// <summary>
    /// An HTTP invoker whose connections leave from 127.0.0.(2+i) (i &gt; 0), so that more than the
    /// ~28,000 ephemeral ports of one source address can reach one server port. Index 0: the default.
    /// </summary>
    private static HttpMessageInvoker? SourceBoundInvoker(int index)
    {
        if (index == 0)
        {
            return null;
        }

        var source = new IPAddress([127, 0, 0, (byte)(1 + index)]);
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
    }

    private abstract class IdleClient : IAsyncDisposable
    {
        public abstract bool IsOpen { get; }

        public abstract ValueTask DisposeAsync();
    }

    /// <summary>The seed's protocol through the test kit's <see cref="RawSocket"/>: auth frame, auth_ok, then a pending receive that answers the server's pings.</summary>
    private sealed class RawClient(RawSocket socket) : IdleClient
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _receiving;

        public override bool IsOpen => socket.State == WebSocketState.Open;

        private Task<System.Text.Json.JsonElement> AuthenticateAsync(string token, CancellationToken cancellationToken) =>
            socket.AuthenticateAsync(token, cancellationToken: cancellationToken);

        public static async Task<IdleClient> ConnectAsync(Uri baseAddress, string token, HttpMessageInvoker? invoker, ErrorCounter errors, CancellationToken cancellationToken)
        {
            var client = new RawClient(await RawSocket.ConnectAsync(baseAddress, invoker, cancellationToken));
            try
            {
                var answer = await client.AuthenticateAsync(token, cancellationToken);
                if (!answer.TryGetProperty("type", out var type) || type.GetString() != "auth_ok")
                {
                    throw new InvalidOperationException($"auth refused: {answer}");
                }

                client._receiving = client.ReceiveLoopAsync(errors);
                return client;
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseOutputAsync(timeout.Token);
                }
                catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }

            await _stop.CancelAsync();
            if (_receiving is not null)
            {
                await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            socket.Dispose();
            _stop.Dispose();
        }

        private async Task ReceiveLoopAsync(ErrorCounter errors)
        {
            try
            {
                var (status, description) = await socket.DrainUntilClosedAsync(_stop.Token);
                if (!_stop.IsCancellationRequested)
                {
                    errors.Add($"closed by the server: {status} {description}");
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                if (!_stop.IsCancellationRequested)
                {
                    errors.Add("receive", exception);
                }
            }
        }
    }

    private sealed class HubIdleClient(HubConnection connection) : IdleClient
    {
        public override bool IsOpen => connection.State == HubConnectionState.Connected;

        public static async Task<IdleClient> ConnectAsync(Uri baseAddress, string token, bool messagePack, ErrorCounter errors, CancellationToken cancellationToken)
        {
            var connection = HubClient.Build(baseAddress, token, messagePack);
            connection.Closed += exception =>
            {
                if (exception is not null)
                {
                    errors.Add("closed", exception);
                }

                return Task.CompletedTask;
            };
            try
            {
                await connection.StartAsync(cancellationToken);
                return new HubIdleClient(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>Raises this process's open-file limit (root may) so that it and the server it starts can hold the connections.</summary>
    public static void EnsureOpenFileLimit(int connections)
    {
        var needed = connections + 400L; // the server keeps a few hundred other descriptors (PostgreSQL pools, Orleans, files)
        if (ProcessProbe.OpenFileLimit() >= needed)
        {
            return;
        }

        var value = needed.ToString(CultureInfo.InvariantCulture);
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit",
            ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), $"--nofile={value}:{value}"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        });
        prlimit?.WaitForExit(TimeSpan.FromSeconds(10));
        if (ProcessProbe.OpenFileLimit() < needed)
        {
            throw new InvalidOperationException(
                $"{connections} connections need about {needed} open files in this process and in the server; the limit is {ProcessProbe.OpenFileLimit()}. Raise it (ulimit -n {needed}; raising the hard limit needs root with CAP_SYS_RESOURCE) or open fewer connections.");
        }

        Progress.Say($"Raised the open-file limit to {value} (the server inherits it).");
    }
}
