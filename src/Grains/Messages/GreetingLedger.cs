namespace Social.Grains.Messages;

/// <summary>
/// One greeting per sender per conversation. A sender's greeting is <em>claimed</em> from the
/// moment its send passes the content checks until it is refused or fails (so two concurrent
/// greetings cannot both go through), and <em>stored</em> once it has committed.
/// </summary>
internal sealed class GreetingLedger
{
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);

    /// <summary>The senders whose greeting is in storage (on activation).</summary>
    public void Load(IEnumerable<string> senders)
    {
        foreach (var sender in senders)
        {
            _claimed.Add(sender);
            _stored.Add(sender);
        }
    }

    /// <summary>False when <paramref name="senderId"/> has already greeted, or is greeting right now.</summary>
    public bool TryClaim(string senderId) => _claimed.Add(senderId);

    /// <summary>A claimed greeting was refused or failed: the sender may try again.</summary>
    public void Release(string senderId) => _claimed.Remove(senderId);

    public void Stored(string senderId) => _stored.Add(senderId);

    /// <summary>True once the sender's greeting has committed (not while it is in flight: it may yet be refused).</summary>
    public bool IsStored(string senderId) => _stored.Contains(senderId);
}
