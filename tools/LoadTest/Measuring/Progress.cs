using System.Diagnostics;

namespace Social.LoadTest.Measuring;

/// <summary>
/// A live progress line on stderr: rewritten in place every second on a terminal, printed as a
/// new line every five seconds when stderr is a file or a pipe.
/// </summary>
public sealed class Progress : IAsyncDisposable
{
    private readonly Func<string> _line;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private int _lastLength;

    private Progress(Func<string> line)
    {
        _line = line;
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Shows <paramref name="line"/> (called once per refresh) until disposed.</summary>
    public static Progress Show(Func<string> line) => new(line);

    /// <summary>A message line of its own, outside the live line.</summary>
    public static void Say(string message) => Console.Error.WriteLine(message);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Write(final: true);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var lastPrinted = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (_terminal || elapsed - lastPrinted >= TimeSpan.FromSeconds(5))
                {
                    lastPrinted = elapsed;
                    Write(final: false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Write(bool final)
    {
        string text;
        try
        {
            text = "  " + _line();
        }
        catch (Exception exception)
        {
            text = "  (progress unavailable: " + exception.Message + ")";
        }

        if (_terminal)
        {
            var padded = text.PadRight(_lastLength);
            _lastLength = text.Length;
            Console.Error.Write("\r" + padded + (final ? Environment.NewLine : ""));
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }
}
