namespace Social.Client.Realtime;

/// <summary>
/// How far the app has seen each conversation: the newest message seq delivered, or the seq the
/// conversation stood at before the first connection. A catch-up reads each conversation after
/// that floor; a message at or below what was delivered is a duplicate.
/// </summary>
internal sealed class ConversationProgress
{
    private readonly Dictionary<string, long> _delivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _baseline = new(StringComparer.Ordinal);

    public async Task TakeBaselineAsync(SocialClient client, int conversations, CancellationToken cancellationToken)
    {
        await foreach (var conversation in RecentAsync(client, conversations, cancellationToken))
        {
            _baseline[conversation.ConversationId] = conversation.LastMessage?.Seq ?? 0;
        }
    }

    /// <summary>True (and remembered) when <paramref name="message"/> is newer than what was delivered in its conversation.</summary>
    public bool TryAdvance(Message message)
    {
        if (_delivered.TryGetValue(message.ConversationId, out var delivered) && message.Seq <= delivered)
        {
            return false;
        }

        _delivered[message.ConversationId] = message.Seq;
        return true;
    }

    /// <summary>The messages past each conversation's floor, oldest first per conversation.</summary>
    public async IAsyncEnumerable<Message> MissedAsync(
        SocialClient client, int conversations, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var behind = new List<(Conversation Conversation, long Floor)>();
        await foreach (var conversation in RecentAsync(client, conversations, cancellationToken))
        {
            var floor = _delivered.TryGetValue(conversation.ConversationId, out var delivered) ? delivered
                : _baseline.GetValueOrDefault(conversation.ConversationId);
            if (conversation.LastMessage is { } last && last.Seq > floor)
            {
                behind.Add((conversation, floor));
            }
        }

        foreach (var (conversation, floor) in behind)
        {
            var missed = conversation.Kind == ConversationKinds.Group
                ? client.Groups.ReadAfterAsync(conversation.ConversationId, floor, cancellationToken)
                : client.Messages.ReadAfterAsync(conversation.ConversationId, floor, cancellationToken);
            await foreach (var message in missed)
            {
                yield return message;
            }
        }
    }

    private static async IAsyncEnumerable<Conversation> RecentAsync(
        SocialClient client, int limit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var seen = 0;
        while (seen < limit)
        {
            var page = await client.Messages.ListConversationsAsync(limit: Math.Min(100, limit - seen), cursor: cursor, cancellationToken: cancellationToken);
            foreach (var conversation in page.Items)
            {
                seen++;
                yield return conversation;
            }

            cursor = page.NextCursor;
            if (cursor is null || page.Items.Count == 0)
            {
                yield break;
            }
        }
    }
}
