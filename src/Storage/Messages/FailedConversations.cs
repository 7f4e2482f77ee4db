namespace Social.Storage.Messages;

/// <summary>
/// The failure rule of the group-committed append queue: after an append to a conversation
/// fails, no later append to it may be stored until the conversation is loaded again, or the
/// failed seq would become a gap behind a committed one.
/// </summary>
/// <remarks>
/// <para>
/// Appends carry tickets, numbered in queue order. When a conversation fails at ticket
/// <c>next</c> (the next ticket to be issued), its appends still in the queue (tickets below
/// <c>next</c>) are stale: they were sent on the assumption that the failed one would be stored.
/// New appends are refused until <see cref="Reload"/>; stale ones are refused when the writer
/// takes them, also after a reload, since they belong to the writer's earlier view.
/// </para>
/// <para>Not thread-safe: <see cref="MessageAppendQueue"/> calls it under its lock.</para>
/// </remarks>
internal sealed class FailedConversations
{
    // Conversation → first ticket that is not stale. In _refused, new appends are refused too.
    private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _reloaded = new(StringComparer.Ordinal);

    // Every ticket below this has been taken by the writer.
    private long _takenBelow;

    /// <summary>True when a new append to <paramref name="conversationId"/> must fail at once.</summary>
    public bool RefusesNew(string conversationId) => _refused.ContainsKey(conversationId);

    /// <summary>True when the queued append with <paramref name="ticket"/> must fail instead of being written.</summary>
    public bool IsStale(string conversationId, long ticket) =>
        (_refused.TryGetValue(conversationId, out var firstFresh) || _reloaded.TryGetValue(conversationId, out firstFresh))
        && ticket < firstFresh;

    /// <summary>An append to <paramref name="conversationId"/> failed; <paramref name="nextTicket"/> is the next ticket to be issued.</summary>
    public void Failed(string conversationId, long nextTicket)
    {
        _reloaded.Remove(conversationId);
        _refused[conversationId] = nextTicket;
    }

    /// <summary>The conversation's writer reloaded it: new appends are accepted again.</summary>
    public void Reload(string conversationId)
    {
        if (_refused.Remove(conversationId, out var firstFresh) && firstFresh > _takenBelow)
        {
            _reloaded[conversationId] = firstFresh;
        }
    }

    /// <summary>The writer has taken every ticket below <paramref name="takenBelow"/> from the queue.</summary>
    public void Taken(long takenBelow)
    {
        _takenBelow = takenBelow;
        if (_reloaded.Count == 0)
        {
            return;
        }

        foreach (var (conversationId, firstFresh) in _reloaded)
        {
            if (firstFresh <= takenBelow)
            {
                _reloaded.Remove(conversationId);
            }
        }
    }
}
