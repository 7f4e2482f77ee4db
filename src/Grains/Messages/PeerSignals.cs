using Social.Grains.Users;

namespace Social.Grains.Messages;

/// <summary>
/// Typing and read receipts are signals from one member to the other, and none crosses a block,
/// whichever side blocked: a blocked user cannot reach the blocker through them, and a blocker
/// does not tell the blocked user what they read. Messages need no such check: a send is already
/// refused across a block.
/// </summary>
internal static class PeerSignals
{
    /// <summary>True when <paramref name="from"/> (the member's own user grain, which holds both sides' blocks) may signal <paramref name="toUserId"/>.</summary>
    public static async Task<bool> MayReachAsync(IUserGrain from, string toUserId) =>
        !(await from.GetRelationship(toUserId)).IsBlockedEitherWay;
}
