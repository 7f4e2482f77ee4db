using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

public sealed class FailedConversationsTests
{
    [Fact]
    public void A_failed_conversation_refuses_new_appends_and_its_queued_ones_are_stale()
    {
        var failed = new FailedConversations();
        failed.Taken(3); // tickets 3 and 4 are still queued

        failed.Failed("c", nextTicket: 5);

        Assert.True(failed.RefusesNew("c"));
        Assert.True(failed.IsStale("c", 3));
        Assert.True(failed.IsStale("c", 4));
        Assert.False(failed.RefusesNew("other"));
        Assert.False(failed.IsStale("other", 4));
    }

    [Fact]
    public void After_a_reload_appends_queued_before_the_failure_stay_stale_and_new_ones_are_accepted()
    {
        var failed = new FailedConversations();
        failed.Taken(3);
        failed.Failed("c", nextTicket: 5);

        failed.Reload("c");

        Assert.False(failed.RefusesNew("c"));
        Assert.True(failed.IsStale("c", 4));
        Assert.False(failed.IsStale("c", 5));
    }

    [Fact]
    public void A_reloaded_conversation_is_forgotten_once_its_stale_appends_are_taken()
    {
        var failed = new FailedConversations();
        failed.Taken(3);
        failed.Failed("c", nextTicket: 5);
        failed.Reload("c");

        failed.Taken(5);

        Assert.False(failed.IsStale("c", 4));
        Assert.False(failed.RefusesNew("c"));
    }

    [Fact]
    public void A_reload_with_nothing_left_in_the_queue_forgets_the_failure_at_once()
    {
        var failed = new FailedConversations();
        failed.Taken(5);
        failed.Failed("c", nextTicket: 5);

        failed.Reload("c");

        Assert.False(failed.RefusesNew("c"));
        Assert.False(failed.IsStale("c", 4));
    }

    [Fact]
    public void A_reloaded_conversation_that_fails_again_is_refused_again()
    {
        var failed = new FailedConversations();
        failed.Taken(3);
        failed.Failed("c", nextTicket: 5);
        failed.Reload("c");

        failed.Failed("c", nextTicket: 8);

        Assert.True(failed.RefusesNew("c"));
        Assert.True(failed.IsStale("c", 7));
    }

    [Fact]
    public void Reloading_a_conversation_that_never_failed_changes_nothing()
    {
        var failed = new FailedConversations();

        failed.Reload("c");

        Assert.False(failed.RefusesNew("c"));
        Assert.False(failed.IsStale("c", 0));
    }
}
