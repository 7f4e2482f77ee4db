namespace Social.Grains.Groups;

/// <summary>
/// Group conversation ids: <c>gr_</c> and 32 lower-case hex digits, chosen at random when the
/// group is created. Clients treat them as opaque, as they do direct conversation ids.
/// </summary>
public static class GroupIds
{
    private const string Prefix = "gr_";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string New() => Prefix + Guid.NewGuid().ToString("N");

    /// <summary>True for ids <see cref="New"/> could have made (checked before a grain is activated for it).</summary>
    public static bool IsWellFormed(string? conversationId) =>
        conversationId is { Length: 35 }
        && conversationId.StartsWith(Prefix, StringComparison.Ordinal)
        && !conversationId.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex);
}
