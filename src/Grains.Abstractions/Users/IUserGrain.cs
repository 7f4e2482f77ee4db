using Orleans.Concurrency;
using Social.Grains.Friends;
using Social.Grains.Messages;
using Social.Grains.Realtime;

namespace Social.Grains.Users;

/// <summary>
/// One per user (keyed by <see cref="GrainKeys.User"/>): the user's plan and friend limit, rate
/// limits, and the index of all the user's relationships. Pair decisions are made by
/// <see cref="IFriendshipGrain"/>, which projects them here; this grain never calls out, so it
/// can serve any number of pair grains without a call cycle.
/// </summary>
[Alias("Social.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("GetSummary")]
    Task<UserSummary> GetSummary();

    [Alias("SetPlan")]
    Task SetPlan(Plan plan);

    [Alias("GetRelationship")]
    Task<PeerView> GetRelationship(string peerId);

    [Alias("GetRelationships")]
    Task<IReadOnlyDictionary<string, PeerView>> GetRelationships(IReadOnlyList<string> peerIds);

    /// <summary>Everyone on either side of a block with this user (for search filtering).</summary>
    [Alias("GetBlockedEitherWay")]
    Task<IReadOnlyList<string>> GetBlockedEitherWay();

    [Alias("ListRelationships")]
    Task<RelationshipPage> ListRelationships(RelationshipFilter filter, int limit, string? cursor);

    /// <summary>The user's conversations, newest first; only those with <paramref name="peerIds"/> when given.</summary>
    [Alias("ListConversations")]
    Task<ConversationPage> ListConversations(int limit, string? cursor, IReadOnlySet<string>? peerIds);

    /// <summary>Every peer the user has a conversation with (to resolve a conversation search).</summary>
    [Alias("GetConversationPeers")]
    Task<IReadOnlyList<string>> GetConversationPeers();

    [Alias("GetUnread")]
    Task<UnreadSummary> GetUnread();

    // ---- The user's event sequence (front ends) ----

    /// <summary>Where the user's event sequence stands now.</summary>
    [Alias("GetEventPosition")]
    Task<EventPosition> GetEventPosition();

    /// <summary>The owed events after <paramref name="position"/> still in the recent buffer.</summary>
    [Alias("GetEventsAfter")]
    Task<EventReplay> GetEventsAfter(EventPosition position);

    /// <summary>
    /// Publishes a position marker now. A front calls it once it has subscribed, so the stream's
    /// pulling agent registers the stream and its subscriber while the user connects, not on
    /// the user's first event (where it would hold up that queue's reads).
    /// </summary>
    [OneWay]
    [Alias("AnnouncePosition")]
    Task AnnouncePosition();

    // ---- Called by IConversationGrain only ----

    /// <summary>
    /// Decides whether this user may send to <paramref name="peerId"/> now: the relationship as this
    /// grain holds it (projected by the pair grain before any friend change is acknowledged), the
    /// plan for greetings, and the message or greeting rate limit, whose token is only taken when
    /// everything else allows the send. One call per send.
    /// </summary>
    [Alias("AdmitSend")]
    Task<SendAdmission> AdmitSend(string peerId, bool isGreeting);

    /// <summary>
    /// A conversation of this user changed: updates the in-memory index (never stored) and
    /// numbers and publishes <paramref name="userEvent"/> on the user's stream.
    /// </summary>
    [OneWay]
    [Alias("OnConversationActivity")]
    Task OnConversationActivity(ConversationActivity activity, UserEvent? userEvent);

    /// <summary>
    /// Publishes an event on the user's stream (numbered when owed); a signal (typing, a read
    /// receipt) from a peer on either side of a block with this user is dropped.
    /// </summary>
    [OneWay]
    [Alias("DeliverEvent")]
    Task DeliverEvent(UserEvent userEvent);

    // ---- Called by IFriendshipGrain only ----

    /// <summary>Checks the friend-request rate limit and this user's friend limit, consuming one request token when allowed.</summary>
    [Alias("AdmitFriendRequest")]
    Task<FriendshipResult> AdmitFriendRequest(string peerId);

    /// <summary>
    /// Holds one friend slot for <paramref name="peerId"/> until the pair grain projects the
    /// outcome (or the hold expires); false when the user is at its friend limit.
    /// </summary>
    [Alias("TryReserveFriendSlot")]
    Task<bool> TryReserveFriendSlot(string peerId);

    [Alias("ReleaseFriendSlot")]
    Task ReleaseFriendSlot(string peerId);

    /// <summary>
    /// Stores the pair's view at <paramref name="version"/>; older or repeated versions are
    /// ignored. A newer view is announced to the user's clients as <paramref name="change"/> reads.
    /// </summary>
    [Alias("ApplyPeerView")]
    Task ApplyPeerView(string peerId, PeerView view, long version, FriendChange change);
}
