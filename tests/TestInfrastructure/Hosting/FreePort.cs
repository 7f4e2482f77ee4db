using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Social.Testing.Hosting;

/// <summary>
/// The one free-port finder: a loopback port below the kernel's ephemeral range that nobody
/// listens on. Ports the kernel hands out (port 0, or the source port of any outgoing
/// connection) come from the ephemeral range, so a port chosen there can be taken by some
/// process's connection to PostgreSQL or a silo in the seconds before a server binds it; below
/// the range only another listener can take it.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port free on 127.0.0.1 a moment ago and never handed out before by this process.</summary>
    public static int Next()
    {
        var ceiling = EphemeralRangeStart();
        if (ceiling - Lowest < 1_000)
        {
            return KernelChosen();
        }

        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Lowest, ceiling);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        return KernelChosen();
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int KernelChosen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of Linux's ephemeral range (32768 by default).</summary>
    private static int EphemeralRangeStart()
    {
        const string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            var first = File.ReadAllText(rangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
