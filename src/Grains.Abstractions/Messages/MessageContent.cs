namespace Social.Grains.Messages;

/// <summary>
/// The content rules: not blank (white space and invisible format characters such as zero-width
/// spaces alone are blank), at most 2000 Unicode code points (not UTF-16 units), and valid Unicode
/// without NUL (a lone surrogate cannot be stored as UTF-8 and PostgreSQL cannot store NUL, so
/// neither could be stored exactly as sent; both stores refuse them the same way).
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
        var visible = false;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == '\0')
            {
                return MessageError.InvalidContent;
            }

            visible |= !char.IsWhiteSpace(content[i]) && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(content[i]) != System.Globalization.UnicodeCategory.Format;

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

        return visible ? MessageError.None : MessageError.EmptyMessage;
    }
}
