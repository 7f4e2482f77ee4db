namespace Social.Grains.RateLimiting;

/// <summary>
/// One user's rate limits, kept in the user grain's activation: messages (a token bucket),
/// friend requests per minute (a token bucket) and PRO greetings per rolling day (a sliding
/// window, loaded from the stored greetings so that a reactivation cannot reset the day's count).
/// </summary>
public sealed class UserQuotas(RateLimitOptions limits, TimeProvider time)
{
    public static readonly TimeSpan GreetingWindow = TimeSpan.FromDays(1);

    private TokenBucket? _messages;
    private TokenBucket? _friendRequests;
    private SlidingWindowCounter? _greetings;

    /// <summary>False until <see cref="LoadGreetings"/> has run in this activation.</summary>
    public bool GreetingsLoaded => _greetings is not null;

    public bool TryTakeMessage(out TimeSpan retryAfter)
    {
        _messages ??= new TokenBucket(limits.MessageBurst, limits.MessagesPerSecond, time);
        return _messages.TryTake(out retryAfter);
    }

    public bool TryTakeFriendRequest(out TimeSpan retryAfter)
    {
        _friendRequests ??= new TokenBucket(limits.FriendRequestsPerMinute, limits.FriendRequestsPerMinute / 60.0, time);
        return _friendRequests.TryTake(out retryAfter);
    }

    /// <summary>Counts the greetings sent within the last <see cref="GreetingWindow"/>; ignored once loaded.</summary>
    public void LoadGreetings(IEnumerable<DateTimeOffset> sentAt)
    {
        if (_greetings is not null)
        {
            return;
        }

        var counter = new SlidingWindowCounter(limits.GreetingsPerDay, GreetingWindow, time);
        counter.Seed(sentAt);
        _greetings = counter;
    }

    public bool TryTakeGreeting(out TimeSpan retryAfter) =>
        (_greetings ?? throw new InvalidOperationException("Load the stored greetings first."))
            .TryAdd(out retryAfter);
}
