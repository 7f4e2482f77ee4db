using System.Net;
using System.Security.Cryptography;

namespace Social.LoadTest.Hosting;

public static class Loopback
{
    /// <summary>Only loopback targets: a load test never sends traffic off this machine.</summary>
    public static Uri RequireLoopback(Uri url)
    {
        if (!url.IsLoopback && !(IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address)))
        {
            throw new ArgumentException($"{url} is not a loopback address; the load tester only targets this machine.", nameof(url));
        }

        return url;
    }
}

/// <summary>A short random tag that makes a run's user names and ids new, also against a reused database.</summary>
public static class RunTag
{
    public static string New() => "lt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
