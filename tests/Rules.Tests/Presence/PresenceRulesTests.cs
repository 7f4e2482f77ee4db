using Microsoft.Extensions.Time.Testing;
using Social.Grains.Presence;

namespace Social.Rules.Tests.Presence;

public sealed class PresenceRulesTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Online_while_any_front_has_an_active_connection_away_while_none_is_active()
    {
        var leases = new PresenceLeases();
        Assert.Equal(PresenceStatus.Offline, leases.Status);

        leases.Apply("front1", 1, connections: 2, activeConnections: 0, _time.GetUtcNow(), Lease);
        Assert.Equal(PresenceStatus.Away, leases.Status);

        leases.Apply("front2", 1, connections: 1, activeConnections: 1, _time.GetUtcNow(), Lease);
        Assert.Equal(PresenceStatus.Online, leases.Status);

        leases.Apply("front2", 2, connections: 0, activeConnections: 0, _time.GetUtcNow(), Lease);
        Assert.Equal(PresenceStatus.Away, leases.Status);

        leases.Apply("front1", 2, connections: 0, activeConnections: 0, _time.GetUtcNow(), Lease);
        Assert.Equal(PresenceStatus.Offline, leases.Status);
    }

    [Fact]
    public void A_report_older_than_the_last_from_its_front_is_ignored()
    {
        var leases = new PresenceLeases();
        Assert.True(leases.Apply("front1", 5, 0, 0, _time.GetUtcNow(), Lease));

        Assert.False(leases.Apply("front1", 4, 1, 1, _time.GetUtcNow(), Lease));
        Assert.Equal(PresenceStatus.Offline, leases.Status);
    }

    [Fact]
    public void A_front_that_stops_renewing_loses_its_share_when_the_lease_ends()
    {
        var leases = new PresenceLeases();
        leases.Apply("dead", 1, 1, 1, _time.GetUtcNow(), Lease);
        var renewedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(10));
        leases.Apply("alive", 1, 1, 0, _time.GetUtcNow(), Lease);

        _time.Advance(Lease - TimeSpan.FromSeconds(11));
        Assert.Null(leases.Expire(_time.GetUtcNow()));
        Assert.Equal(PresenceStatus.Online, leases.Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(renewedAt, leases.Expire(_time.GetUtcNow()));
        Assert.Equal(PresenceStatus.Away, leases.Status);

        _time.Advance(TimeSpan.FromSeconds(10));
        leases.Expire(_time.GetUtcNow());
        Assert.Equal(PresenceStatus.Offline, leases.Status);
        Assert.True(leases.IsEmpty);
    }

    [Fact]
    public void The_first_change_goes_out_at_once_and_later_ones_wait_for_the_window()
    {
        var window = TimeSpan.FromSeconds(2);
        var announcer = new PresenceAnnouncer(window);
        Assert.Equal(TimeSpan.Zero, announcer.DelayFrom(_time.GetUtcNow()));
        Assert.True(announcer.TryTake(new PresenceView(PresenceStatus.Online, null), _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), announcer.DelayFrom(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, announcer.DelayFrom(_time.GetUtcNow()));
    }

    [Fact]
    public void A_change_undone_within_the_window_is_never_announced()
    {
        var announcer = new PresenceAnnouncer(TimeSpan.FromSeconds(2));
        var online = new PresenceView(PresenceStatus.Online, null);
        announcer.TryTake(online, _time.GetUtcNow());

        // Offline and back within the window: when the window ends the state is what friends know.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(announcer.TryTake(online, _time.GetUtcNow()));
        Assert.True(announcer.TryTake(new PresenceView(PresenceStatus.Away, null), _time.GetUtcNow()));
    }
}
