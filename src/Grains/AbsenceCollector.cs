namespace Social.Grains;

/// <summary>
/// Closes the activation of something that does not exist (a conversation nobody wrote in, two
/// strangers' friendship, a group id nobody made) once calls for it have stopped for
/// <see cref="QuietPeriod"/>, so lookups of random ids do not pile up activations.
/// </summary>
/// <remarks>
/// Closing it after every call made bursts fail: the calls queued behind a closing activation are
/// forwarded to the next one, which closed after its first call too, and after two forwards
/// Orleans rejects a call (the front answered 503 for a plain "not found").
/// </remarks>
internal sealed class AbsenceCollector(IGrainBase grain, TimeProvider time)
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    private IGrainTimer? _timer;
    private long _lastCall;

    /// <summary>Called after each call to the grain, with whether its subject exists now.</summary>
    public void CallEnded(bool exists)
    {
        if (exists)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        _lastCall = time.GetTimestamp();
        _timer ??= grain.RegisterGrainTimer(
            static (collector, _) => collector.CloseIfQuiet(),
            this,
            new GrainTimerCreationOptions(QuietPeriod, QuietPeriod));
    }

    private Task CloseIfQuiet()
    {
        if (time.GetElapsedTime(_lastCall) >= QuietPeriod)
        {
            grain.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }
}
