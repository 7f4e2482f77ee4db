using System.Diagnostics;
using Social.Grains.Friends;
using Social.Grains.Messages;

namespace Social.Grains.Telemetry;

/// <summary>
/// Counts what the grains decide, at the grain-call boundary, so the grains' methods carry no
/// metrics code: sends accepted (with their send-to-commit time) and refused by code, friend
/// operations by outcome, and the rate-limit refusals among them. The two grains whose calls it
/// counts call it from their own call filters. A filter for every grain in the silo put every
/// call (user grains, stream queues, presence) through Orleans' slower filtered path, although
/// only these two have outcomes. With no listener it passes every call straight through.
/// </summary>
internal static class GrainOutcomes
{
    /// <summary>Invokes the call and counts its outcome.</summary>
    public static Task Invoke(IIncomingGrainCallContext context)
    {
        if (!SocialMetrics.OutcomesObserved)
        {
            return context.Invoke();
        }

        var type = context.Request.GetInterfaceType();
        if (type == typeof(IConversationGrain))
        {
            return context.MethodName == nameof(IConversationGrain.Send) ? ObserveSend(context) : context.Invoke();
        }

        return type == typeof(IFriendshipGrain) ? ObserveFriendOperation(context) : context.Invoke();
    }

    private static async Task ObserveSend(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        await context.Invoke();
        switch (context.Result)
        {
            case SendResult { Error: MessageError.None, Duplicate: false }:
                SocialMetrics.MessageAccepted(Stopwatch.GetElapsedTime(started));
                break;
            case SendResult { Error: not MessageError.None } refused:
                SocialMetrics.MessageRefused(refused.Error);
                break;
        }
    }

    private static async Task ObserveFriendOperation(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.Result is FriendshipResult result)
        {
            SocialMetrics.FriendOperation(OperationName(context.MethodName), result.Error);
        }
    }

    private static string OperationName(string method) => method switch
    {
        nameof(IFriendshipGrain.Request) => "request",
        nameof(IFriendshipGrain.Accept) => "accept",
        nameof(IFriendshipGrain.Reject) => "reject",
        nameof(IFriendshipGrain.Cancel) => "cancel",
        nameof(IFriendshipGrain.Unfriend) => "unfriend",
        nameof(IFriendshipGrain.Block) => "block",
        nameof(IFriendshipGrain.Unblock) => "unblock",
        _ => "other",
    };
}
