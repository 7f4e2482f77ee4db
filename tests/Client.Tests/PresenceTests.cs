namespace Social.Client.Tests;

/// <summary>Presence through the typed client: the own setting, friends' presence in the list and live.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class PresenceTests(SharedServer server)
{
    [Fact]
    public async Task Own_presence_setting_and_friends_presence_in_the_list()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        await TestUsers.BefriendAsync(alice, bob);

        Assert.Equal(new OwnPresence(PresenceStatuses.Offline, false), await bob.Client.Presence.GetMineAsync());
        Assert.Equal(PresenceStatuses.Offline, (await alice.Client.Friends.ListAsync()).Items.Single().Presence?.Status);
        await using var bobLive = bob.Client.Connect();
        await bobLive.StartAsync();
        await Eventually.WaitUntilAsync(
            async () => (await alice.Client.Friends.ListAsync()).Items.Single().Presence?.Status == PresenceStatuses.Online, "alice's list shows bob online");

        Assert.True((await bob.Client.Presence.SetHiddenAsync(true)).Hidden);
        Assert.True((await bob.Client.Presence.GetMineAsync()).Hidden);
        Assert.Equal(new FriendPresence(PresenceStatuses.Unknown, null), (await alice.Client.Friends.ListAsync()).Items.Single().Presence);
        Assert.False((await bob.Client.Presence.SetHiddenAsync(false)).Hidden);
        using var carol = await server.SignUpAsync("carol");
        await carol.Client.Friends.RequestAsync(alice.UserId);
        Assert.Null(Assert.Single((await alice.Client.Friends.ListAsync(FriendStatuses.Pending)).Items).Presence);
    }

    [Fact]
    public async Task Friends_hear_presence_changes_and_away()
    {
        using var alice = await server.SignUpAsync("alice");
        using var bob = await server.SignUpAsync("bob");
        await TestUsers.BefriendAsync(alice, bob);
        await using var aliceLive = alice.Client.Connect();
        var aliceLog = new EventLog(aliceLive);
        await aliceLive.StartAsync();

        await using var bobLive = bob.Client.Connect();
        await bobLive.StartAsync();
        var online = await aliceLog.WaitForAsync<PresenceChangedEvent>(e => e.Presence.UserId == bob.UserId && e.Presence.Status == PresenceStatuses.Online);
        Assert.Null(online.Position);

        await bobLive.SetAwayAsync(true);
        await aliceLog.WaitForAsync<PresenceChangedEvent>(e => e.Presence.UserId == bob.UserId && e.Presence.Status == PresenceStatuses.Away);
        Assert.Equal(PresenceStatuses.Away, (await bob.Client.Presence.GetMineAsync()).Status);
        await bobLive.SetAwayAsync(false);
        await Eventually.WaitUntilAsync(
            () => aliceLog.All.OfType<PresenceChangedEvent>().LastOrDefault(e => e.Presence.UserId == bob.UserId)?.Presence.Status == PresenceStatuses.Online,
            "alice hears bob active again");

        await bob.Client.Presence.SetHiddenAsync(true);
        await aliceLog.WaitForAsync<PresenceChangedEvent>(e => e.Presence.UserId == bob.UserId && e.Presence.Status == PresenceStatuses.Unknown);
        await bob.Client.Presence.SetHiddenAsync(false);
        await bobLive.StopAsync();
        var offline = await aliceLog.WaitForAsync<PresenceChangedEvent>(e => e.Presence.UserId == bob.UserId && e.Presence.Status == PresenceStatuses.Offline);
        Assert.NotNull(offline.Presence.LastSeenAt);
    }
}
