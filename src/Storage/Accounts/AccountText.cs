namespace Social.Storage.Accounts;

/// <summary>
/// What both directories refuse to store, so the in-memory store cannot accept what PostgreSQL
/// would reject (a NUL is error 22021 there): callers validate first, this is the backstop.
/// </summary>
internal static class AccountText
{
    public static void ThrowIfNotStorable(UserAccount account)
    {
        if (!UserNames.IsPrintable(account.Username))
        {
            throw new ArgumentException("The username holds control or format characters.", nameof(account));
        }

        if (account.UserId.Contains('\0', StringComparison.Ordinal) || account.DisplayName.Contains('\0', StringComparison.Ordinal)
            || account.Address?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw new ArgumentException("Account text cannot hold NUL characters.", nameof(account));
        }
    }
}
