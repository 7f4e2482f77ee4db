using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class ClientIdClaimsTests
{
    private static Message MessageWith(string clientId) =>
        new("m-1", "c", 1, "alice", "bob", "hi", DateTimeOffset.UnixEpoch, false, clientId);

    [Fact]
    public async Task A_new_client_id_is_claimed_at_once()
    {
        var claims = new ClientIdClaims();

        var claimTask = claims.ClaimAsync("alice", "k1");

        Assert.True(claimTask.IsCompletedSuccessfully);
        Assert.Null((await claimTask).Earlier);
    }

    [Fact]
    public async Task A_duplicate_in_flight_waits_and_gets_the_first_message()
    {
        var claims = new ClientIdClaims();
        var first = await claims.ClaimAsync("alice", "k1");

        var duplicate = claims.ClaimAsync("alice", "k1");
        Assert.False(duplicate.IsCompleted);

        var stored = MessageWith("k1");
        first.Succeed(stored);

        Assert.Same(stored, (await duplicate).Earlier);
    }

    [Fact]
    public async Task When_the_first_fails_a_waiting_duplicate_goes_through_as_new()
    {
        var claims = new ClientIdClaims();
        var first = await claims.ClaimAsync("alice", "k1");
        var waiting = claims.ClaimAsync("alice", "k1");

        first.Fail(new InvalidOperationException("refused"));
        var second = await waiting;

        Assert.Null(second.Earlier);
        var third = claims.ClaimAsync("alice", "k1");
        Assert.False(third.IsCompleted); // the second now holds the id
        var stored = MessageWith("k1");
        second.Succeed(stored);
        Assert.Same(stored, (await third).Earlier);
    }

    [Fact]
    public async Task The_same_client_id_from_another_sender_is_another_message()
    {
        var claims = new ClientIdClaims();
        await claims.ClaimAsync("alice", "k1");

        var bobs = claims.ClaimAsync("bob", "k1");

        Assert.True(bobs.IsCompletedSuccessfully);
        Assert.Null((await bobs).Earlier);
    }

    [Fact]
    public async Task Sends_without_a_client_id_never_wait()
    {
        var claims = new ClientIdClaims();
        await claims.ClaimAsync("alice", clientId: null);

        var next = claims.ClaimAsync("alice", clientId: null);

        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task After_success_the_id_is_no_longer_held_here()
    {
        var claims = new ClientIdClaims();
        var first = await claims.ClaimAsync("alice", "k1");
        first.Succeed(MessageWith("k1"));

        // The recent window answers for stored messages from now on, not this class.
        var later = claims.ClaimAsync("alice", "k1");

        Assert.True(later.IsCompletedSuccessfully);
        Assert.Null((await later).Earlier);
    }
}
