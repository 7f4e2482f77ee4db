using System.Net;
using System.Net.Sockets;

namespace Social.Testing.Hosting;

/// <summary>The one free-port finder: a loopback port nobody listened on a moment ago.</summary>
public static class FreePort
{
    /// <summary>A port the system just handed out on 127.0.0.1 (bind it soon: another process may take it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
