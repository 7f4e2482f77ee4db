using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Social.Testing.Hosting;

namespace Social.LoadTest.Hosting;

/// <summary>
/// The real front end (<c>dotnet Social.WebFront.dll</c>, hosting its silo in-process) as a child
/// process on 127.0.0.1, with the abuse limits raised so that they do not throttle the test.
/// Disposing it stops it (SIGTERM, then a kill); a detached watchdog kills it if this process
/// dies without disposing it.
/// </summary>
public sealed class WebFrontProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Lock _logGate = new();
    private StreamWriter? _log;
    private int _disposed;
    private string? _watchdogGuard;

    private WebFrontProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the server wrote.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    /// <param name="connectionString">PostgreSQL, or null for the embedded in-memory default.</param>
    /// <param name="logPath">A file to copy all of the server's output to (none when null).</param>
    public static async Task<WebFrontProcess> StartAsync(
        string assemblyPath, string? connectionString, string signingKey, IReadOnlyDictionary<string, string> extraSettings, CancellationToken cancellationToken,
        string? logPath = null)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException(
                $"{assemblyPath} does not exist. Build it (dotnet build -c Release tools/LoadTest builds it too) or pass --webfront.", assemblyPath);
        }

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assemblyPath, "--urls", baseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (connectionString is not null)
        {
            environment["ConnectionStrings__Social"] = connectionString;
        }

        environment["Social__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        environment["Social__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        environment["Social__RateLimits__RegistrationsPerMinute"] = "1000000";
        environment["Social__RateLimits__RequestsPerSecond"] = "1000000";
        environment["Social__RateLimits__RequestBurst"] = "1000000";
        environment["Social__RateLimits__AnonymousRequestsPerSecond"] = "1000000"; // raw WebSocket upgrades are anonymous until the auth frame
        environment["Social__RateLimits__FriendRequestsPerMinute"] = "1000000";
        environment["Social__RateLimits__MessagesPerSecond"] = "1000000";
        environment["Social__RateLimits__MessageBurst"] = "1000000";
        environment["Social__Auth__SigningKey"] = signingKey;
        environment["Social__Auth__External__Issuer"] = Clients.AccessTokens.OutsideIssuer;
        environment["Social__Auth__External__Audience"] = "social";
        environment["Social__Auth__External__SigningKey"] = signingKey;
        foreach (var (key, value) in extraSettings)
        {
            environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var server = new WebFrontProcess(process, baseAddress);
        try
        {
            server._log = logPath is null ? null : new StreamWriter(logPath, append: false) { AutoFlush = true };
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => server.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            server._watchdogGuard = StartWatchdog(process.Id);
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])))
                {
                    term?.WaitForExit(TimeSpan.FromSeconds(5));
                }

                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(graceful.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            lock (_logGate)
            {
                _log?.Dispose();
                _log = null;
            }

            if (_watchdogGuard is not null)
            {
                File.Delete(_watchdogGuard);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        lock (_logGate)
        {
            _log?.WriteLine(line);
        }

        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The front end exited with code {_process.ExitCode} before it was ready. Its last output:{Environment.NewLine}{OutputTail}");
            }

            if (deadline.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"The front end was not ready within {ReadyTimeout}. Its last output:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out; try again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Kills the child once this process is gone (the shared <see cref="OrphanWatchdog"/>); disposing deletes the guard file first.</summary>
    private static string StartWatchdog(int childId)
    {
        var guard = Path.Combine(Path.GetTempPath(), $"social-loadtest-front-{Guid.NewGuid():N}.pid");
        File.WriteAllText(guard, childId.ToString(CultureInfo.InvariantCulture));
        OrphanWatchdog.Start(guard, "kill -9 \"$1\"", childId.ToString(CultureInfo.InvariantCulture));
        return guard;
    }
}
