namespace Social.Client.Realtime;

/// <summary>Exponential backoff with ±20 % jitter, so clients that lost one server do not return in step.</summary>
internal static class Backoff
{
    /// <summary>Zero for attempt 0, then about first, 2 × first, 4 × first …, never above <paramref name="max"/>.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan max)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        var ticks = Math.Min(max.Ticks, first.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30)));
        var jittered = ticks * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromTicks((long)Math.Min(max.Ticks, jittered));
    }
}
