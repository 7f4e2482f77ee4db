using Social.Storage.Messages;

namespace Social.Grains.Messages;

/// <summary>
/// The newest committed messages of a conversation, contiguous by seq, so reads of a live
/// conversation are answered from memory. It also answers retries: the client message ids of
/// the messages it holds are indexed, and leave with their messages.
/// </summary>
internal sealed class RecentWindow<T>(int capacity)
    where T : class, ISequencedMessage
{
    private readonly List<T> _messages = [];
    private readonly Dictionary<(string SenderId, string ClientMessageId), long> _seqByClientId = [];

    public long FirstSeq => _messages.Count == 0 ? long.MaxValue : _messages[0].Seq;

    public T? Last => _messages.Count == 0 ? null : _messages[^1];

    public void Load(IEnumerable<T> messages)
    {
        _messages.Clear();
        _seqByClientId.Clear();
        foreach (var message in messages.OrderBy(message => message.Seq))
        {
            Add(message);
        }

        Trim();
    }

    /// <summary>Appends the next committed message (seqs arrive in order).</summary>
    public void Append(T message)
    {
        Add(message);
        Trim();
    }

    public void Replace(T message)
    {
        var index = IndexOf(message.Seq);
        if (index >= 0)
        {
            _messages[index] = message;
        }
    }

    public T? Find(long seq) => IndexOf(seq) is var index and >= 0 ? _messages[index] : null;

    /// <summary>The message <paramref name="senderId"/> sent with <paramref name="clientMessageId"/>, if the window holds it.</summary>
    public T? FindByClientId(string senderId, string clientMessageId) =>
        _seqByClientId.TryGetValue((senderId, clientMessageId), out var seq) ? Find(seq) : null;

    /// <summary>The newest message <paramref name="userId"/> has not hidden, if the window holds one.</summary>
    public T? LastVisibleTo(string userId) => _messages.FindLast(message => !message.IsHiddenFor(userId));

    /// <summary>Up to <paramref name="count"/> messages below <paramref name="beforeSeq"/>, ascending; null when the window cannot tell.</summary>
    public IReadOnlyList<T>? Before(long beforeSeq, int count)
    {
        if (_messages.Count == 0 || beforeSeq - 1 < FirstSeq)
        {
            return null;
        }

        var end = _messages.FindLastIndex(message => message.Seq < beforeSeq);
        var start = Math.Max(0, end - count + 1);
        return _messages.GetRange(start, end - start + 1);
    }

    /// <summary>Up to <paramref name="count"/> messages above <paramref name="afterSeq"/>, ascending; null when the window cannot tell.</summary>
    public IReadOnlyList<T>? After(long afterSeq, int count)
    {
        if (_messages.Count == 0 || afterSeq + 1 < FirstSeq)
        {
            return null;
        }

        var start = _messages.FindIndex(message => message.Seq > afterSeq);
        return start < 0 ? [] : _messages.GetRange(start, Math.Min(count, _messages.Count - start));
    }

    private void Add(T message)
    {
        _messages.Add(message);
        if (message.ClientMessageId is { } clientMessageId)
        {
            _seqByClientId[(message.SenderId, clientMessageId)] = message.Seq;
        }
    }

    /// <summary>Seqs are contiguous, so a message's index follows from its seq.</summary>
    private int IndexOf(long seq)
    {
        var index = seq - FirstSeq;
        return index >= 0 && index < _messages.Count && _messages[(int)index].Seq == seq
            ? (int)index
            : _messages.FindIndex(message => message.Seq == seq);
    }

    private void Trim()
    {
        var excess = _messages.Count - capacity;
        if (excess <= 0)
        {
            return;
        }

        foreach (var message in _messages.Take(excess))
        {
            if (message.ClientMessageId is { } clientMessageId)
            {
                _seqByClientId.Remove((message.SenderId, clientMessageId));
            }
        }

        _messages.RemoveRange(0, excess);
    }
}
