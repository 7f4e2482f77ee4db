namespace Social.Client.Tests;

/// <summary>Everything a connection raised, in order, for assertions.</summary>
public sealed class EventLog
{
    private readonly List<SocialEvent> _events = [];
    private readonly Lock _gate = new();

    public EventLog(SocialConnection connection) => connection.EventReceived += (_, e) =>
    {
        lock (_gate)
        {
            _events.Add(e);
        }
    };

    public IReadOnlyList<SocialEvent> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<Message> Messages => [.. All.OfType<NewMessageEvent>().Select(e => e.Message)];

    /// <summary>The first event of type <typeparamref name="T"/> matching <paramref name="match"/>, waiting for it.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, string? what = null)
        where T : SocialEvent
    {
        T? found = null;
        await Eventually.WaitUntilAsync(
            () => (found = All.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true)) is not null,
            what ?? $"a {typeof(T).Name} arrives");
        return found!;
    }

    /// <summary>Waits until <paramref name="count"/> messages of <paramref name="conversationId"/> arrived.</summary>
    public Task WaitForMessagesAsync(string conversationId, int count) =>
        Eventually.WaitUntilAsync(() => Messages.Count(m => m.ConversationId == conversationId) >= count, $"{count} messages of {conversationId} arrive");
}
