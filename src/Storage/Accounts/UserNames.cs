namespace Social.Storage.Accounts;

/// <summary>What "the same username" means for every directory: equal after invariant lower-casing.</summary>
internal static class UserNames
{
    public static string Normalize(string username) => username.ToLowerInvariant();
}
