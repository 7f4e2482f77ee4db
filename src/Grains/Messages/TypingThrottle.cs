namespace Social.Grains.Messages;

/// <summary>
/// Typing is a signal, never stored: at most one typing event per user per
/// <see cref="Interval"/> reaches the others, however often the client sends it.
/// </summary>
internal sealed class TypingThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="userId"/>'s typing should go out now (and counts it).</summary>
    public bool ShouldSend(string userId)
    {
        var now = time.GetUtcNow();
        if (_lastSent.TryGetValue(userId, out var last) && now - last < Interval)
        {
            return false;
        }

        _lastSent[userId] = now;
        return true;
    }
}
