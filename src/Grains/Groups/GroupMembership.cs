namespace Social.Grains.Groups;

/// <summary>
/// A group's membership rules, on its <see cref="GroupState"/>: one check per operation, and
/// <see cref="Apply"/>, the only way the state changes, used alike for a change that has just
/// committed and for one replayed from the stored system messages.
/// </summary>
public sealed class GroupMembership(GroupState state)
{
    public GroupState State => state;

    public bool Exists => state.AppliedSeq > 0;

    public string Name => state.Name;

    public string OwnerId => state.OwnerId;

    public int Count => state.Members.Count;

    public IEnumerable<string> MemberIds => state.Members.Keys;

    public bool IsMember(string userId) => state.Members.ContainsKey(userId);

    public bool WasEverMember(string userId) => state.Spans.ContainsKey(userId);

    public GroupMemberState? Member(string userId) => state.Members.GetValueOrDefault(userId);

    public IReadOnlyList<MembershipSpan> SpansOf(string userId) =>
        state.Spans.TryGetValue(userId, out var spans) ? spans : [];

    /// <summary>Whether <paramref name="userId"/> was a member when <paramref name="seq"/> was written.</summary>
    public bool CanSee(string userId, long seq) => SpansOf(userId).Any(span => span.Contains(seq));

    /// <summary>The last seq <paramref name="userId"/> may see: <paramref name="lastSeq"/> while a member, else their leave.</summary>
    public long LastVisibleSeq(string userId, long lastSeq) =>
        IsMember(userId) ? lastSeq : SpansOf(userId).Select(span => span.To ?? lastSeq).DefaultIfEmpty(0).Max();

    public GroupError CheckCreate(string creatorId, IReadOnlyCollection<string> memberIds, int maxMembers)
    {
        if (Exists)
        {
            return GroupError.GroupExists;
        }

        return memberIds.Contains(creatorId) ? GroupError.InvalidTarget
            : memberIds.Count + 1 > maxMembers ? GroupError.GroupFull
            : GroupError.None;
    }

    public GroupError CheckAdd(string actorId, string userId, int maxMembers) =>
        !IsMember(actorId) ? GroupError.GroupNotFound
        : !IsAdmin(actorId) ? GroupError.NotGroupAdmin
        : IsMember(userId) ? GroupError.AlreadyMember
        : Count >= maxMembers ? GroupError.GroupFull
        : GroupError.None;

    /// <summary>The owner removes anyone else; an admin removes plain members.</summary>
    public GroupError CheckRemove(string actorId, string userId)
    {
        if (!IsMember(actorId))
        {
            return GroupError.GroupNotFound;
        }

        if (!IsAdmin(actorId))
        {
            return GroupError.NotGroupAdmin;
        }

        if (!IsMember(userId))
        {
            return GroupError.NotMember;
        }

        var target = state.Members[userId].Role;
        return target == GroupRole.Owner ? GroupError.InvalidTarget
            : target == GroupRole.Admin && actorId != state.OwnerId ? GroupError.NotGroupAdmin
            : GroupError.None;
    }

    public GroupError CheckRename(string actorId) =>
        !IsMember(actorId) ? GroupError.GroupNotFound
        : !IsAdmin(actorId) ? GroupError.NotGroupAdmin
        : GroupError.None;

    /// <summary>Owner and admins promote members; only the owner demotes an admin; the owner's role changes only by hand-over.</summary>
    public GroupError CheckSetRole(string actorId, string userId, GroupRole role)
    {
        if (!IsMember(actorId))
        {
            return GroupError.GroupNotFound;
        }

        if (!IsAdmin(actorId))
        {
            return GroupError.NotGroupAdmin;
        }

        if (!IsMember(userId))
        {
            return GroupError.NotMember;
        }

        if (role == GroupRole.Owner || state.Members[userId].Role == GroupRole.Owner)
        {
            return GroupError.InvalidTarget;
        }

        return role == GroupRole.Member && state.Members[userId].Role == GroupRole.Admin && actorId != state.OwnerId
            ? GroupError.NotGroupAdmin
            : GroupError.None;
    }

    public GroupError CheckTransfer(string actorId, string userId) =>
        !IsMember(actorId) ? GroupError.GroupNotFound
        : actorId != state.OwnerId ? GroupError.NotGroupAdmin
        : !IsMember(userId) ? GroupError.NotMember
        : userId == actorId ? GroupError.InvalidTarget
        : GroupError.None;

    /// <summary>Who becomes owner when <paramref name="leavingOwnerId"/> leaves: the oldest admin, else the oldest member.</summary>
    public string? SuccessorOf(string leavingOwnerId) =>
        state.Members
            .Where(member => member.Key != leavingOwnerId)
            .OrderByDescending(member => member.Value.Role == GroupRole.Admin)
            .ThenBy(member => member.Value.JoinOrder)
            .Select(member => member.Key)
            .FirstOrDefault();

    /// <summary>Applies a committed change written at <paramref name="seq"/>. Applying one twice changes nothing.</summary>
    public void Apply(GroupChange change, long seq, DateTimeOffset at)
    {
        if (seq <= state.AppliedSeq)
        {
            return;
        }

        switch (change.Type)
        {
            case GroupChangeTypes.Created:
                state.Name = change.Name ?? "";
                state.CreatedAt = at;
                state.OwnerId = change.UserIds[0];
                foreach (var userId in change.UserIds)
                {
                    Join(userId, seq, userId == state.OwnerId ? GroupRole.Owner : GroupRole.Member);
                }

                break;
            case GroupChangeTypes.MemberAdded:
                foreach (var userId in change.UserIds)
                {
                    Join(userId, seq, GroupRole.Member);
                }

                break;
            case GroupChangeTypes.MemberRemoved or GroupChangeTypes.MemberLeft:
                foreach (var userId in change.UserIds)
                {
                    Leave(userId, seq);
                }

                break;
            case GroupChangeTypes.Renamed:
                state.Name = change.Name ?? state.Name;
                break;
            case GroupChangeTypes.RoleChanged when state.Members.TryGetValue(change.UserIds[0], out var member) && member.Role != GroupRole.Owner:
                member.Role = change.Role == "admin" ? GroupRole.Admin : GroupRole.Member;
                break;
            case GroupChangeTypes.OwnerChanged:
                MakeOwner(change.UserIds[0]);
                break;
        }

        state.AppliedSeq = seq;
    }

    private bool IsAdmin(string userId) => state.Members.TryGetValue(userId, out var member) && member.Role >= GroupRole.Admin;

    private void Join(string userId, long seq, GroupRole role)
    {
        if (state.Members.ContainsKey(userId))
        {
            return;
        }

        state.Members[userId] = new GroupMemberState { Role = role, JoinedSeq = seq, JoinOrder = ++state.Joins };
        if (!state.Spans.TryGetValue(userId, out var spans))
        {
            spans = [];
            state.Spans[userId] = spans;
        }

        spans.Add(new MembershipSpan { From = seq });
    }

    private void Leave(string userId, long seq)
    {
        if (!state.Members.Remove(userId))
        {
            return;
        }

        if (state.Spans.TryGetValue(userId, out var spans) && spans.Count > 0 && spans[^1].To is null)
        {
            spans[^1].To = seq;
        }

        // The group is never without an owner while it has members; the owner_changed message
        // that follows records it, and repeats what is done here.
        if (userId == state.OwnerId)
        {
            state.OwnerId = "";
            if (SuccessorOf(userId) is { } successor)
            {
                MakeOwner(successor);
            }
        }
    }

    private void MakeOwner(string userId)
    {
        if (!state.Members.TryGetValue(userId, out var member))
        {
            return;
        }

        if (state.OwnerId != userId && state.Members.TryGetValue(state.OwnerId, out var previous))
        {
            previous.Role = GroupRole.Admin;
        }

        member.Role = GroupRole.Owner;
        state.OwnerId = userId;
    }
}
