namespace Social.Grains.Messages;

/// <summary>
/// The content rules: not blank, at most 2000 Unicode code points (not UTF-16 units), and valid
/// Unicode (a lone surrogate cannot be stored as UTF-8, so it could not be stored exactly as sent).
/// </summary>
public static class MessageContent
{
    public const int MaxCodePoints = 2000;

    public static MessageError Check(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return MessageError.EmptyMessage;
        }

        var codePoints = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (char.IsHighSurrogate(content[i]) && i + 1 < content.Length && char.IsLowSurrogate(content[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(content[i]))
            {
                return MessageError.InvalidContent;
            }

            if (++codePoints > MaxCodePoints)
            {
                return MessageError.MessageTooLong;
            }
        }

        return MessageError.None;
    }
}
