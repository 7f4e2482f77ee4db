using System.Globalization;
using Social.Grains;

namespace Social.Rules.Tests.Keys;

public sealed class GrainKeysTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("0a")]
    [InlineData("10")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("6f9619ff-8b86-d011-b42d-00cf4fc964ff")]
    [InlineData("1+2")]
    public void User_keys_never_parse_as_numbers_or_guids_and_round_trip(string userId)
    {
        var key = GrainKeys.User(userId);

        Assert.False(long.TryParse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _));
        Assert.False(Guid.TryParse(key, out _));
        Assert.Equal(userId, GrainKeys.UserIdFromKey(key));
    }

    [Fact]
    public void Ids_that_storage_would_confuse_get_different_keys()
    {
        Assert.NotEqual(GrainKeys.User("a"), GrainKeys.User("0a"));
    }

    [Fact]
    public void A_pair_has_one_key_whichever_order_the_users_come_in()
    {
        var key = GrainKeys.Friendship("bob", "alice");

        Assert.Equal(key, GrainKeys.Friendship("alice", "bob"));
        Assert.Equal(("alice", "bob"), GrainKeys.FriendshipPairFromKey(key));
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("a:1", "b", "a", ":1b")]
    [InlineData("1", "1:2", "11", ":2")]
    public void Pairs_whose_ids_run_together_get_different_keys(string a1, string b1, string a2, string b2)
    {
        var first = GrainKeys.Friendship(a1, b1);
        var second = GrainKeys.Friendship(a2, b2);

        Assert.NotEqual(first, second);
        Assert.Equal(GrainKeys.Order(a1, b1), GrainKeys.FriendshipPairFromKey(first));
        Assert.Equal(GrainKeys.Order(a2, b2), GrainKeys.FriendshipPairFromKey(second));
    }

    [Fact]
    public void Conversation_keys_round_trip()
    {
        Assert.Equal("dm_x", GrainKeys.ConversationIdFromKey(GrainKeys.Conversation("dm_x")));
    }

    [Fact]
    public void A_key_of_another_kind_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GrainKeys.UserIdFromKey(GrainKeys.Conversation("x")));
        Assert.Throws<ArgumentException>(() => GrainKeys.ConversationIdFromKey(GrainKeys.User("x")));
        Assert.Throws<ArgumentException>(() => GrainKeys.FriendshipPairFromKey(GrainKeys.LoginThrottle("x")));
    }
}
