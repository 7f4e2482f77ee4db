using Social.Grains.Messages;

namespace Social.Rules.Tests.Messages;

public sealed class MessageContentTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\r\n")]
    [InlineData("\u200B\u200D\u2060")] // zero-width characters only
    [InlineData(" \u200B ")]
    public void Blank_content_is_an_empty_message(string? content) =>
        Assert.Equal(MessageError.EmptyMessage, MessageContent.Check(content));

    [Fact]
    public void Two_thousand_code_points_are_allowed_and_one_more_is_too_long()
    {
        Assert.Equal(MessageError.None, MessageContent.Check(new string('a', MessageContent.MaxCodePoints)));
        Assert.Equal(MessageError.MessageTooLong, MessageContent.Check(new string('a', MessageContent.MaxCodePoints + 1)));
    }

    [Fact]
    public void Length_counts_code_points_not_utf16_units()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", MessageContent.MaxCodePoints));

        Assert.Equal(2 * MessageContent.MaxCodePoints, emoji.Length);
        Assert.Equal(MessageError.None, MessageContent.Check(emoji));
        Assert.Equal(MessageError.MessageTooLong, MessageContent.Check(emoji + "a"));
    }

    // Built in code: a lone surrogate in an attribute's string does not survive compilation.
    [Theory]
    [InlineData("a", '\0', "b")]
    [InlineData("lone ", '\uD83D', " high surrogate")]
    [InlineData("lone ", '\uDE00', " low surrogate")]
    [InlineData("ends with ", '\uD83D', "")]
    [InlineData("", '\uDE00', " starts with a low surrogate")]
    public void Content_that_cannot_be_stored_exactly_is_invalid(string before, char unit, string after) =>
        Assert.Equal(MessageError.InvalidContent, MessageContent.Check(before + unit + after));

    [Theory]
    [InlineData("hi")]
    [InlineData(" padded ")]
    [InlineData("\U0001F600")]
    [InlineData("Grüße, 世界")]
    public void Ordinary_text_is_accepted(string content) =>
        Assert.Equal(MessageError.None, MessageContent.Check(content));
}
