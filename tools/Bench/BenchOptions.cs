using System.Globalization;
using System.Reflection;

namespace Social.Bench;

public enum BenchMode
{
    Grains,
    Http,
}

/// <summary>The command line: <c>grains|http [--pairs N] [--concurrency C] [--postgres CS] ...</c>.</summary>
public sealed record BenchOptions(
    BenchMode Mode,
    int Pairs,
    int Concurrency,
    int WarmupPairs,
    string? Postgres,
    string? JsonPath,
    TimeSpan Timeout,
    TimeSpan QuietWait,
    string WebFrontAssembly)
{
    public const string Usage = """
        Social friend-system benchmark: friend request + accept pairs per second.

        Usage: Social.Bench grains|http [options]

          grains                 an in-process silo on PostgreSQL; calls IFriendshipGrain directly
          http                   the real WebFront as a child process; calls the HTTP API on 127.0.0.1

        Options:
          --pairs N              request+accept pairs to measure (default 2000)
          --concurrency C        pairs in flight (default 64; http also registers with C in flight)
          --warmup W             pairs run before measuring, on their own users (default pairs/10, at most 200)
          --postgres CS          PostgreSQL connection string (default: a throwaway server via
                                 tests/TestInfrastructure, durability off: fsync=off, synchronous_commit=off)
          --json FILE            also write the results as JSON
          --timeout SECONDS      stop everything after this long (default 600)
          --quiet-wait SECONDS   before measuring, wait at most this long for the machine to be otherwise
                                 idle (default 120; 0: don't wait)
          --webfront DLL         the Social.WebFront.dll http mode starts (default: the one built with this tool)
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> set when they are not valid.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        BenchMode? mode = null;
        int pairs = 2000, concurrency = 64;
        int? warmup = null;
        string? postgres = null, json = null;
        var timeoutSeconds = 600;
        var quietWaitSeconds = 120;
        var webFront = typeof(BenchOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "WebFrontAssembly")?.Value ?? "Social.WebFront.dll";

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                return null;
            }

            switch (arg)
            {
                case "grains":
                    mode = BenchMode.Grains;
                    break;
                case "http":
                    mode = BenchMode.Http;
                    break;
                case "--pairs" when PositiveInt(Value()) is { } n:
                    pairs = n;
                    break;
                case "--concurrency" when PositiveInt(Value()) is { } n:
                    concurrency = n;
                    break;
                case "--warmup" when NonNegativeInt(Value()) is { } n:
                    warmup = n;
                    break;
                case "--timeout" when PositiveInt(Value()) is { } n:
                    timeoutSeconds = n;
                    break;
                case "--quiet-wait" when NonNegativeInt(Value()) is { } n:
                    quietWaitSeconds = n;
                    break;
                case "--postgres" when Value() is { Length: > 0 } value:
                    postgres = value;
                    break;
                case "--json" when Value() is { Length: > 0 } value:
                    json = value;
                    break;
                case "--webfront" when Value() is { Length: > 0 } value:
                    webFront = value;
                    break;
                default:
                    error = $"Unknown or incomplete argument '{arg}'.";
                    return null;
            }
        }

        if (mode is null)
        {
            error = "Say which benchmark to run: grains or http.";
            return null;
        }

        return new BenchOptions(mode.Value, pairs, concurrency, warmup ?? Math.Min(200, pairs / 10), postgres, json,
            TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(quietWaitSeconds), Path.GetFullPath(webFront));
    }

    private static int? PositiveInt(string? value) => NonNegativeInt(value) is > 0 and var n ? n : null;

    private static int? NonNegativeInt(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
