using Microsoft.Extensions.Logging;
using Social.Grains.Telemetry;
using Social.Grains.Users;

namespace Social.Grains.Friends;

/// <summary>
/// Decides every change to one pair's relationship. Non-reentrant, so concurrent operations on
/// the pair (A→B and B→A at the same moment) run one after the other. Each change is persisted
/// here first and then projected into both user grains with the new version; an operation is
/// acknowledged only after both projections are stored. If a projection fails half-way, the next
/// operation on the pair (a retry, or anything else) projects again before it decides. Each
/// user grain tells its own clients about the change it stored (see <see cref="RelationshipEvents"/>).
/// </summary>
public sealed class FriendshipGrain(
    [PersistentState("friendship", SocialNames.GrainStorage)] IPersistentState<FriendshipState> state,
    TimeProvider time,
    ILogger<FriendshipGrain> logger) : Grain, IFriendshipGrain, IIncomingGrainCallFilter
{
    private string _low = "";
    private string _high = "";

    // The version both user grains are known to hold. Starts unknown on every activation, so the
    // first operation after a crash or a failed projection repairs the projections.
    private long _projectedVersion = -1;

    private AbsenceCollector? _absence;

    private FriendshipState Pair => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_low, _high) = GrainKeys.FriendshipPairFromKey(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <summary>
    /// A pair that has never changed has nothing to remember: an operation on two unrelated users
    /// (an accept without a request, a flood of them) does not keep an activation alive for long.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await GrainOutcomes.Invoke(context);
        (_absence ??= new AbsenceCollector(this, time)).CallEnded(exists: Pair.Version != 0);
    }

    public async Task<FriendshipResult> Request(string userId)
    {
        var other = OtherThan(userId);
        if (other == userId)
        {
            return FriendshipResult.Fail(FriendError.CannotFriendSelf);
        }

        await EnsureProjected();
        var refusal = Pair.CheckRequest(userId);
        if (refusal != FriendError.None)
        {
            return FriendshipResult.Fail(refusal);
        }

        if (Pair.IsPendingFrom(other))
        {
            // The other user asked first: asking back is accepting.
            return await AcceptPendingRequest(acceptor: userId, requester: other);
        }

        var admission = await User(userId).AdmitFriendRequest(other);
        if (!admission.Succeeded)
        {
            return admission;
        }

        await Change(FriendChange.Requested, Pair.Requested(by: userId));
        FriendshipLog.RequestSent(logger, userId, other);
        return FriendshipResult.Ok(PeerStatus.PendingOutgoing);
    }

    public async Task<FriendshipResult> Accept(string userId)
    {
        var other = OtherThan(userId);
        await EnsureProjected();
        var refusal = Pair.CheckAccept(requester: other);
        if (refusal != FriendError.None)
        {
            return FriendshipResult.Fail(refusal);
        }

        // A retried accept whose first attempt went through answers the same way.
        return Pair.Status == PairStatus.Accepted
            ? FriendshipResult.Ok(PeerStatus.Friends)
            : await AcceptPendingRequest(acceptor: userId, requester: other);
    }

    public Task<FriendshipResult> Reject(string userId)
    {
        var other = OtherThan(userId);
        return EndPendingRequest(requester: other, FriendChange.Rejected);
    }

    public Task<FriendshipResult> Cancel(string userId)
    {
        OtherThan(userId);
        return EndPendingRequest(requester: userId, FriendChange.Cancelled);
    }

    public async Task<FriendshipResult> Unfriend(string userId)
    {
        OtherThan(userId);
        await EnsureProjected();
        var refusal = Pair.CheckUnfriend();
        if (refusal != FriendError.None)
        {
            return FriendshipResult.Fail(refusal);
        }

        await Change(FriendChange.Unfriended, Pair.Ended());
        return FriendshipResult.Ok(PeerStatus.None);
    }

    public async Task<FriendshipResult> Block(string userId)
    {
        var other = OtherThan(userId);
        await EnsureProjected();
        if (Pair.BlockedBy.Contains(userId))
        {
            return FriendshipResult.Ok(PeerStatus.None);
        }

        await Change(FriendChange.Blocked, Pair.Blocked(by: userId));
        FriendshipLog.Blocked(logger, userId, other);
        return FriendshipResult.Ok(PeerStatus.None);
    }

    public async Task<FriendshipResult> Unblock(string userId)
    {
        OtherThan(userId);
        await EnsureProjected();
        var refusal = Pair.CheckUnblock(userId);
        if (refusal != FriendError.None)
        {
            return FriendshipResult.Fail(refusal);
        }

        await Change(FriendChange.Unblocked, Pair.Unblocked(by: userId));
        return FriendshipResult.Ok(PeerStatus.None);
    }

    public async Task FileGreetingRequest(string userId)
    {
        OtherThan(userId);
        await EnsureProjected();
        if (Pair.TakesGreetingRequest)
        {
            await Change(FriendChange.Requested, Pair.Requested(by: userId));
        }
    }

    public Task<PeerView> GetView(string userId)
    {
        var other = OtherThan(userId);
        return Task.FromResult(Pair.ViewFor(userId, other));
    }

    private async Task<FriendshipResult> AcceptPendingRequest(string acceptor, string requester)
    {
        // Hold a slot on both sides before deciding, so that concurrent accepts on other pairs
        // cannot push either user past the friend limit; nothing changes when either is full.
        if (!await User(acceptor).TryReserveFriendSlot(requester))
        {
            return FriendshipResult.Fail(FriendError.FriendLimitReached);
        }

        if (!await User(requester).TryReserveFriendSlot(acceptor))
        {
            await User(acceptor).ReleaseFriendSlot(requester);
            return FriendshipResult.Fail(FriendError.FriendLimitReached);
        }

        await Change(FriendChange.Accepted, Pair.Accepted());
        FriendshipLog.BecameFriends(logger, acceptor, requester);
        return FriendshipResult.Ok(PeerStatus.Friends);
    }

    private async Task<FriendshipResult> EndPendingRequest(string requester, FriendChange change)
    {
        await EnsureProjected();
        var refusal = Pair.CheckEndRequest(requester);
        if (refusal != FriendError.None)
        {
            return FriendshipResult.Fail(refusal);
        }

        await Change(change, Pair.Ended());
        return FriendshipResult.Ok(PeerStatus.None);
    }

    /// <summary>Stamps <paramref name="next"/> (a transition of the pair), persists it, then projects it to both users.</summary>
    private async Task Change(FriendChange change, FriendshipState next)
    {
        next.Since = time.GetUtcNow();
        next.Version++;

        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not decided: put the old state back and let a fresh activation re-read storage.
            state.State = previous;
            DeactivateOnIdle();
            throw;
        }

        await Project(change);
    }

    private async Task EnsureProjected()
    {
        if (Pair.Version > 0 && _projectedVersion < Pair.Version)
        {
            await Project(FriendChange.Repair);
        }
    }

    private async Task Project(FriendChange change)
    {
        var version = Pair.Version;
        await Task.WhenAll(
            User(_low).ApplyPeerView(_high, Pair.ViewFor(_low, _high), version, change),
            User(_high).ApplyPeerView(_low, Pair.ViewFor(_high, _low), version, change));
        _projectedVersion = version;
    }

    private IUserGrain User(string userId) => GrainFactory.GetUser(userId);

    private string OtherThan(string userId)
    {
        if (userId == _low)
        {
            return _high;
        }

        return userId == _high
            ? _low
            : throw new ArgumentException($"User '{userId}' is not part of this pair.", nameof(userId));
    }
}
