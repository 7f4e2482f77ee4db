using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class GreetingLedgerTests
{
    [Fact]
    public void A_sender_greets_once_while_the_first_is_in_flight_or_stored()
    {
        var ledger = new GreetingLedger();

        Assert.True(ledger.TryClaim("alice"));
        Assert.False(ledger.TryClaim("alice"));
        Assert.False(ledger.IsStored("alice"));

        ledger.Stored("alice");

        Assert.False(ledger.TryClaim("alice"));
        Assert.True(ledger.IsStored("alice"));
    }

    [Fact]
    public void A_refused_greeting_frees_the_sender_to_try_again()
    {
        var ledger = new GreetingLedger();
        ledger.TryClaim("alice");

        ledger.Release("alice");

        Assert.True(ledger.TryClaim("alice"));
    }

    [Fact]
    public void Each_sender_has_their_own_greeting()
    {
        var ledger = new GreetingLedger();

        Assert.True(ledger.TryClaim("alice"));
        Assert.True(ledger.TryClaim("bob"));
    }

    [Fact]
    public void Greetings_loaded_from_storage_are_stored_and_claimed()
    {
        var ledger = new GreetingLedger();
        ledger.Load(["alice"]);

        Assert.True(ledger.IsStored("alice"));
        Assert.False(ledger.TryClaim("alice"));
        Assert.True(ledger.TryClaim("bob"));
    }
}
