using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class ConversationIdsTests
{
    [Fact]
    public void Both_users_compute_the_same_direct_conversation()
    {
        var id = ConversationIds.Direct("alice", "bob");

        Assert.Equal(id, ConversationIds.Direct("bob", "alice"));
        Assert.True(ConversationIds.IsWellFormed(id));
        Assert.NotEqual(id, ConversationIds.Direct("alice", "carol"));
    }

    [Fact]
    public void Ids_that_run_together_make_different_conversations()
    {
        Assert.NotEqual(ConversationIds.Direct("ab", "c"), ConversationIds.Direct("a", "bc"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dm_0123456789abcdef0123456789ABCDEF")]
    [InlineData("dm_0123456789abcdef0123456789abcde")]
    [InlineData("xx_0123456789abcdef0123456789abcdef")]
    public void Ids_this_class_did_not_make_are_not_well_formed(string? id) =>
        Assert.False(ConversationIds.IsWellFormed(id));

    [Fact]
    public void A_message_id_names_its_conversation_and_seq()
    {
        var conversation = ConversationIds.Direct("alice", "bob");
        var messageId = ConversationIds.MessageId(conversation, 42);

        Assert.True(ConversationIds.TryReadSeq(conversation, messageId, out var seq));
        Assert.Equal(42, seq);
        Assert.False(ConversationIds.TryReadSeq(ConversationIds.Direct("alice", "carol"), messageId, out _));
        Assert.False(ConversationIds.TryReadSeq(conversation, conversation + "-0", out _));
        Assert.False(ConversationIds.TryReadSeq(conversation, conversation + "--1", out _));
        Assert.False(ConversationIds.TryReadSeq(conversation, conversation + "-x", out _));
    }
}
