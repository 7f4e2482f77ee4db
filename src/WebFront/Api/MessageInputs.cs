using Microsoft.AspNetCore.Http.HttpResults;
using Social.Grains.Messages;

namespace Social.WebFront.Api;

/// <summary>
/// The checks on message inputs made before any grain is asked, the one home for REST and the
/// hub alike, so that a bad input gets the same code however it arrives (the hub turns the
/// problem into a HubException, see <c>HubRefusals</c>). Null when the input passes.
/// </summary>
public static class MessageInputs
{
    /// <summary>Ids are well formed and the content obeys <see cref="MessageContent"/>; the recipient's existence and the rules are the grains'.</summary>
    public static ProblemHttpResult? CheckSend(string? recipientId, string? content, string? clientMessageId)
    {
        if (!Inputs.IsValidId(recipientId))
        {
            return Inputs.InvalidId("recipientId");
        }

        if (clientMessageId is not null && !Inputs.IsValidId(clientMessageId))
        {
            return Inputs.InvalidId("clientMessageId");
        }

        var contentError = MessageContent.Check(content);
        return contentError == MessageError.None ? null : Problems.FromMessageError(contentError, null, null);
    }

    /// <summary>An id no conversation could have is not found, like one the caller is not in, and activates no grain.</summary>
    public static ProblemHttpResult? CheckConversationId(string? conversationId) =>
        ConversationIds.IsWellFormed(conversationId) ? null : Problems.ConversationNotFound();

    public static ProblemHttpResult? CheckMarkRead(string? conversationId, long? upToSeq) =>
        upToSeq is < 0 ? Problems.Validation("upToSeq", "Must not be negative.") : CheckConversationId(conversationId);

    public static ProblemHttpResult? CheckHide(string? conversationId, string? messageId) =>
        Inputs.IsValidId(messageId) ? CheckConversationId(conversationId) : Inputs.InvalidId("messageId");

    /// <summary>A history page: a limit up to 100, and <c>beforeSeq</c> (≥ 1) or <c>afterSeq</c> (≥ 0), not both.</summary>
    public static ProblemHttpResult? CheckHistory(string? conversationId, long? beforeSeq, long? afterSeq, int? limit, out int take)
    {
        take = Inputs.Limit(limit, fallback: 50, max: 100) ?? 0;
        if (take == 0)
        {
            return Problems.Validation("limit", "Between 1 and 100.");
        }

        if (beforeSeq is < 1 || afterSeq is < 0 || (beforeSeq is not null && afterSeq is not null))
        {
            return Problems.Validation(afterSeq is < 0 ? "afterSeq" : "beforeSeq", "Give beforeSeq (≥ 1) or afterSeq (≥ 0), not both.");
        }

        return CheckConversationId(conversationId);
    }
}
