using Orleans.Concurrency;
using Social.Grains.Messages;

namespace Social.Grains.Groups;

/// <summary>
/// One group conversation (keyed by <see cref="GrainKeys.Group"/>): its members and roles, its
/// name, and its messages in one gap-free seq, membership changes among them as system
/// messages. Not reentrant: a membership change and a send never interleave, so nobody receives
/// a message after the seq of their removal, and nobody who is a member misses one.
/// </summary>
[Alias("Social.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<GroupResult> Create(CreateGroupCommand command);

    /// <summary>The group as <paramref name="userId"/> sees it; <see cref="GroupError.GroupNotFound"/> for a non-member.</summary>
    [Alias("Get")]
    Task<GroupResult> Get(string userId);

    [Alias("AddMember")]
    Task<GroupResult> AddMember(string actorId, string userId);

    /// <summary>Removes <paramref name="userId"/>; when it is the actor, that is leaving.</summary>
    [Alias("RemoveMember")]
    Task<GroupResult> RemoveMember(string actorId, string userId);

    [Alias("Leave")]
    Task<GroupError> Leave(string userId);

    [Alias("Rename")]
    Task<GroupResult> Rename(string actorId, string name);

    /// <summary>Makes <paramref name="userId"/> an admin or a plain member again.</summary>
    [Alias("SetRole")]
    Task<GroupResult> SetRole(string actorId, string userId, GroupRole role);

    [Alias("TransferOwnership")]
    Task<GroupResult> TransferOwnership(string actorId, string userId);

    [Alias("Send")]
    Task<GroupSendResult> Send(GroupSendCommand command);

    /// <summary>
    /// A page of the history <paramref name="userId"/> may see (from each join to its leave), or
    /// null for someone who never was a member.
    /// </summary>
    [Alias("GetHistory")]
    Task<GroupHistoryPage?> GetHistory(string userId, long? beforeSeq, long? afterSeq, int limit);

    /// <summary>Marks read up to <paramref name="upToSeq"/> (everything when null); null for a non-member.</summary>
    [Alias("MarkRead")]
    Task<ReadState?> MarkRead(string userId, long? upToSeq);

    [Alias("Hide")]
    Task<MessageError> Hide(string userId, string messageId);

    /// <summary>Tells the other members that <paramref name="userId"/> is typing (throttled); false for a non-member.</summary>
    [Alias("Typing")]
    Task<bool> Typing(string userId);

    /// <summary>
    /// The group's entry in <paramref name="userId"/>'s list, or null when they never were a member.
    /// Interleaves: it only reads memory, and the user's group index may ask while this grain
    /// waits on that index.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetActivity")]
    Task<GroupActivity?> GetActivity(string userId);
}
