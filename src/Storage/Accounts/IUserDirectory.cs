namespace Social.Storage.Accounts;

/// <summary>
/// The account store: credentials and the public profile of every user, plus the lookups
/// that search and friend lists need. Uniqueness of usernames and addresses is enforced by
/// the store itself (a unique index in PostgreSQL), never by check-then-insert.
/// </summary>
public interface IUserDirectory
{
    Task<CreateAccountResult> TryCreateAsync(UserAccount account, CancellationToken cancellationToken = default);

    /// <summary>Finds an account by username, case-insensitively.</summary>
    Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default);

    Task<UserProfile?> FindByIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The whole account with that id (credentials included), or null.</summary>
    Task<UserAccount?> FindAccountByIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Profiles of the given ids that exist; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, UserProfile>> FindByIdsAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Users whose username starts with <paramref name="query"/> (case-insensitively) or whose
    /// address equals it exactly, ordered by username, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// People search with pages: a username prefix or a display name containing the query (both
    /// case-insensitive), or on the first page (<paramref name="afterUsername"/> null) the exact
    /// address; in username order, only usernames after <paramref name="afterUsername"/> (normalized).
    /// </summary>
    Task<IReadOnlyList<UserProfile>> SearchPeopleAsync(string query, int limit, string? afterUsername, CancellationToken cancellationToken = default);

    /// <summary>The account's <see cref="UserAccount.SessionVersion"/>, or null when there is no such account.</summary>
    Task<int?> FindSessionVersionAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Sets the display name (already validated); false when there is no such account.</summary>
    Task<bool> UpdateDisplayNameAsync(string userId, string displayName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the password hash and raises the session version in one step, only while the stored
    /// hash is still <paramref name="expectedPasswordHash"/> (the one the caller's current password
    /// was checked against): of two concurrent changes one wins, the other gets null and checks again.
    /// </summary>
    /// <returns>The new session version, or null when the hash changed meanwhile or the account is gone.</returns>
    Task<int?> TryChangePasswordAsync(string userId, string expectedPasswordHash, string newPasswordHash, CancellationToken cancellationToken = default);
}

public enum CreateAccountResult
{
    Created,
    UsernameTaken,
    AddressTaken,
}

/// <summary>
/// A stored account. <see cref="Username"/> keeps the case it was registered with. An account of
/// an outside identity provider's user has no password (<see cref="PasswordHash"/> is empty); one
/// registered here always has one.
/// </summary>
public sealed record UserAccount(
    string UserId,
    string Username,
    string DisplayName,
    string? Address,
    string PasswordHash,
    DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Raised by every password change; tokens carry the version they were issued under and older
    /// ones are refused (docs/api.md, "Profile settings").
    /// </summary>
    public int SessionVersion { get; init; }
}

/// <summary>What other users may see of an account.</summary>
public sealed record UserProfile(string UserId, string Username, string DisplayName);
