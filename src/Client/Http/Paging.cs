using System.Runtime.CompilerServices;

namespace Social.Client.Http;

/// <summary>Reads a conversation forward page by page with <c>afterSeq</c>, for direct conversations and groups alike.</summary>
internal static class Paging
{
    public static async IAsyncEnumerable<Message> ReadAfterAsync(
        Func<long, CancellationToken, Task<MessagePage>> pageAfter, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await pageAfter(afterSeq, cancellationToken);
            foreach (var message in page.Items)
            {
                afterSeq = message.Seq;
                yield return message;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                yield break;
            }
        }
    }
}
