using Social.Grains.Messages;

namespace Social.Grains.Groups;

/// <summary>A group name: not blank, valid Unicode, at most 100 code points, no control characters.</summary>
public static class GroupNames
{
    public const int MaxCodePoints = 100;

    /// <summary>The name as stored (trimmed), or null when it breaks the rule.</summary>
    public static string? Normalize(string? name)
    {
        if (name?.Trim() is not { } trimmed || MessageContent.Check(trimmed) != MessageError.None || trimmed.Any(char.IsControl))
        {
            return null;
        }

        var codePoints = 0;
        foreach (var _ in trimmed.EnumerateRunes())
        {
            codePoints++;
        }

        return codePoints <= MaxCodePoints ? trimmed : null;
    }
}
