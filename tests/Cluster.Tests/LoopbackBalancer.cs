using System.Net;
using System.Net.Sockets;

namespace Social.Cluster.Tests;

/// <summary>
/// A minimal TCP load balancer on 127.0.0.1, as clients meet one in production: each new
/// connection goes to the first back end (in order) that accepts it, so when a front dies its
/// connections break and new ones land on the next front. Clients keep one URL, which is what
/// lets SignalR's automatic reconnect reach the surviving front.
/// </summary>
public sealed class LoopbackBalancer : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _backends;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public LoopbackBalancer(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptLoopAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>How many connections went to each back end.</summary>
    public int[] Routed { get; } = new int[8];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            for (var i = 0; i < _backends.Count; i++)
            {
                using var upstream = new TcpClient();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await upstream.ConnectAsync(_backends[i].Host, _backends[i].Port, timeout.Token);
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException)
                {
                    continue; // that back end is down: try the next
                }

                Interlocked.Increment(ref Routed[i]);
                await PipeAsync(client, upstream);
                return;
            }
        }
    }

    /// <summary>Copies both ways until either side ends, then closes both (a reset on one side becomes a close on the other).</summary>
    private async Task PipeAsync(TcpClient client, TcpClient upstream)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var clientStream = client.GetStream();
        var upstreamStream = upstream.GetStream();
        var up = CopyAsync(clientStream, upstreamStream, done.Token);
        var down = CopyAsync(upstreamStream, clientStream, done.Token);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        client.Client.Close(0);
        upstream.Client.Close(0);
        await Task.WhenAll(up, down);
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away.
        }
    }
}
