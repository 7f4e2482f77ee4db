namespace Social.Grains.Groups;

[GenerateSerializer, Immutable, Alias("Social.GroupMemberView")]
public sealed record GroupMemberView(
    [property: Id(0)] string UserId,
    [property: Id(1)] GroupRole Role,
    [property: Id(2)] long JoinedSeq,
    [property: Id(3)] long LastReadSeq);

/// <summary>A group as its members see it: name, owner, members oldest first, and where its seq stands.</summary>
[GenerateSerializer, Immutable, Alias("Social.GroupView")]
public sealed record GroupView(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Name,
    [property: Id(2)] string OwnerId,
    [property: Id(3)] IReadOnlyList<GroupMemberView> Members,
    [property: Id(4)] long LastSeq,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>The group after a change, or why not.</summary>
[GenerateSerializer, Immutable, Alias("Social.GroupResult")]
public sealed record GroupResult(
    [property: Id(0)] GroupError Error,
    [property: Id(1)] GroupView? Group)
{
    public static GroupResult Fail(GroupError error) => new(error, null);
}

[GenerateSerializer, Immutable, Alias("Social.CreateGroupCommand")]
public sealed record CreateGroupCommand(
    [property: Id(0)] string CreatorId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> MemberIds);

/// <summary>
/// Where a group stands for one user (their list entry): the conversation's activity, the name,
/// the member count, and whether the user is still a member (a removed member's entry stops at
/// the removal).
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.GroupActivity")]
public sealed record GroupActivity(
    [property: Id(0)] Social.Grains.Messages.ConversationActivity Activity,
    [property: Id(1)] string Name,
    [property: Id(2)] int MemberCount,
    [property: Id(3)] bool IsMember);

[GenerateSerializer, Immutable, Alias("Social.GroupActivityPage")]
public sealed record GroupActivityPage(
    [property: Id(0)] IReadOnlyList<GroupActivity> Items,
    [property: Id(1)] string? NextCursor);
