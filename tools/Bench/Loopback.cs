using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Social.Bench;

public static class Loopback
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A short random tag that makes this run's user ids and names new, also against a reused database.</summary>
public static class RunTag
{
    public static string New() => "bn" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
