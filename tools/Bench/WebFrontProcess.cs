using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Social.Bench;

/// <summary>
/// The real front end (<c>dotnet Social.WebFront.dll</c>, hosting its silo in-process) as a child
/// process on 127.0.0.1. Disposing it stops it: SIGTERM, then a kill after a few seconds. A
/// detached watchdog kills it too if this process dies without disposing it.
/// </summary>
public sealed class WebFrontProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 100;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private WebFrontProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the front end on free loopback ports and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<WebFrontProcess> StartAsync(string assemblyPath, string connectionString, CancellationToken cancellationToken)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException(
                $"{assemblyPath} does not exist. Build the front end (dotnet build -c Release src/WebFront) or pass --webfront.", assemblyPath);
        }

        var baseAddress = new Uri($"http://127.0.0.1:{Loopback.FreePort().ToString(CultureInfo.InvariantCulture)}");
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
        environment["ConnectionStrings__Social"] = connectionString;
        environment["Social__Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        environment["Social__Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        environment["Social__RateLimits__RegistrationsPerMinute"] = "1000000";
        environment["Social__RateLimits__FriendRequestsPerMinute"] = "1000000";
        environment["Social__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var server = new WebFrontProcess(process, baseAddress);
        try
        {
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => server.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            StartWatchdog(process.Id);
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server's CPU time so far.</summary>
    public TimeSpan ProcessorTime => CpuMeter.ProcessorTimeOf(_process);

    /// <summary>The last lines the server wrote, for error messages.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

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
                // A graceful stop lets the silo leave the membership table; then no waiting beyond a bound.
                using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])))
                {
                    term?.WaitForExit(TimeSpan.FromSeconds(5));
                }

                using var graceful = new CancellationTokenSource(GracefulStopTimeout);
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
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReadyTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The front end exited with code {_process.ExitCode} before it was ready. Its last output:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The front end was not ready within {ReadyTimeout}. Its last output:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The front end was not ready within {ReadyTimeout}. Its last output:{Environment.NewLine}{OutputTail}");
            }
        }
    }

    /// <summary>
    /// A detached shell that kills the child once this process is gone (killed without running its
    /// cleanup); it exits by itself when the child ends first.
    /// </summary>
    private static void StartWatchdog(int childId)
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1"; do kill -0 "$2" || exit 0; sleep 2; done
            kill -9 "$2"
            """;
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sh", "-c", Script, "watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), childId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(start);
    }
}
