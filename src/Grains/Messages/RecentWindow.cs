using Social.Storage.Messages;

namespace Social.Grains.Messages;

/// <summary>
/// The newest committed messages of a conversation, contiguous by seq, so reads of a live
/// conversation are answered from memory.
/// </summary>
internal sealed class RecentWindow(int capacity)
{
    private readonly List<StoredMessage> _messages = [];

    public long FirstSeq => _messages.Count == 0 ? long.MaxValue : _messages[0].Seq;

    public StoredMessage? Last => _messages.Count == 0 ? null : _messages[^1];

    public void Load(IEnumerable<StoredMessage> messages)
    {
        _messages.Clear();
        _messages.AddRange(messages.OrderBy(message => message.Seq));
        Trim();
    }

    /// <summary>Appends the next committed message (seqs arrive in order).</summary>
    public void Append(StoredMessage message)
    {
        _messages.Add(message);
        Trim();
    }

    public void Replace(StoredMessage message)
    {
        var index = _messages.FindIndex(candidate => candidate.Seq == message.Seq);
        if (index >= 0)
        {
            _messages[index] = message;
        }
    }

    public StoredMessage? Find(long seq) => _messages.Find(message => message.Seq == seq);

    /// <summary>The newest message <paramref name="userId"/> has not hidden, if the window holds one.</summary>
    public StoredMessage? LastVisibleTo(string userId) => _messages.FindLast(message => !message.IsHiddenFor(userId));

    /// <summary>Up to <paramref name="count"/> messages below <paramref name="beforeSeq"/>, ascending; null when the window cannot tell.</summary>
    public IReadOnlyList<StoredMessage>? Before(long beforeSeq, int count)
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
    public IReadOnlyList<StoredMessage>? After(long afterSeq, int count)
    {
        if (_messages.Count == 0 || afterSeq + 1 < FirstSeq)
        {
            return null;
        }

        var start = _messages.FindIndex(message => message.Seq > afterSeq);
        return start < 0 ? [] : _messages.GetRange(start, Math.Min(count, _messages.Count - start));
    }

    private void Trim()
    {
        if (_messages.Count > capacity)
        {
            _messages.RemoveRange(0, _messages.Count - capacity);
        }
    }
}
