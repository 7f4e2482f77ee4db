using Social.Grains.Realtime;

namespace Social.Grains.Messages;

/// <summary>
/// Typing and read receipts are signals from one member to the other, and none crosses a block,
/// whichever side blocked: a blocked user cannot reach the blocker through them, and a blocker
/// does not tell the blocked user what they read. The receiving user's grain applies it, since it
/// holds both sides' blocks. Messages need no such check: a send is already refused across a block.
/// </summary>
public static class PeerSignals
{
    /// <summary>The member a signal comes from, or null when <paramref name="userEvent"/> is not a signal.</summary>
    public static string? SenderOf(UserEvent userEvent) => userEvent switch
    {
        ReadReceiptEvent receipt => receipt.ReaderId,
        TypingEvent typing => typing.UserId,
        _ => null,
    };
}
