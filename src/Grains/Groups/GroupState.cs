namespace Social.Grains.Groups;

/// <summary>
/// A snapshot of a group's membership as of <see cref="AppliedSeq"/>. The system messages are
/// the record: on activation the grain applies those after the snapshot, so a snapshot that was
/// not written (a silo died after the message committed) loses nothing. Stored as JSON without
/// type names: member names are the storage contract.
/// </summary>
[GenerateSerializer, Alias("Social.GroupState")]
public sealed class GroupState
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public string OwnerId { get; set; } = "";

    [Id(2)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Current members.</summary>
    [Id(3)]
    public Dictionary<string, GroupMemberState> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Everyone who ever was a member → the seq ranges they were one (the last open while they are).</summary>
    [Id(4)]
    public Dictionary<string, List<MembershipSpan>> Spans { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The seq of the last system message applied; 0 while the group does not exist.</summary>
    [Id(5)]
    public long AppliedSeq { get; set; }

    /// <summary>Counts joins, so "the oldest" is well defined even among those who joined together.</summary>
    [Id(6)]
    public long Joins { get; set; }
}

[GenerateSerializer, Alias("Social.GroupMemberState")]
public sealed class GroupMemberState
{
    [Id(0)]
    public GroupRole Role { get; set; }

    [Id(1)]
    public long JoinedSeq { get; set; }

    /// <summary>Lower is older.</summary>
    [Id(2)]
    public long JoinOrder { get; set; }
}

/// <summary>A stretch of membership: from the seq of the join to that of the leave (null while a member).</summary>
[GenerateSerializer, Alias("Social.MembershipSpan")]
public sealed class MembershipSpan
{
    [Id(0)]
    public long From { get; set; }

    [Id(1)]
    public long? To { get; set; }

    public bool Contains(long seq) => seq >= From && (To is null || seq <= To);
}
