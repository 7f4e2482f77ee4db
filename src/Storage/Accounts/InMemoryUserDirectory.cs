namespace Social.Storage.Accounts;

/// <summary>
/// The account store of the single-process development server: same rules as
/// <see cref="PostgresUserDirectory"/>, kept in memory, lost on restart. Thread-safe.
/// </summary>
public sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserAccount> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserAccount> _byUsername = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserAccount> _byAddress = new(StringComparer.Ordinal);

    // Normalized usernames in ordinal order: PostgreSQL orders username_lower COLLATE "C", the same
    // order for the ASCII names the API accepts.
    private readonly SortedSet<string> _usernames = new(StringComparer.Ordinal);

    public Task<CreateAccountResult> TryCreateAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        account = account with { Address = account.Address is null ? null : UserNames.NormalizeAddress(account.Address) };
        cancellationToken.ThrowIfCancellationRequested();
        AccountText.ThrowIfNotStorable(account);

        var username = UserNames.Normalize(account.Username);
        lock (_gate)
        {
            // Username first, as in PostgreSQL (see 004_users.sql).
            if (_byUsername.ContainsKey(username))
            {
                return Task.FromResult(CreateAccountResult.UsernameTaken);
            }

            if (account.Address is not null && _byAddress.ContainsKey(account.Address))
            {
                return Task.FromResult(CreateAccountResult.AddressTaken);
            }

            if (!_byId.TryAdd(account.UserId, account))
            {
                throw new InvalidOperationException($"An account with id {account.UserId} already exists.");
            }

            _byUsername.Add(username, account);
            _usernames.Add(username);
            if (account.Address is not null)
            {
                _byAddress.Add(account.Address, account);
            }
        }

        return Task.FromResult(CreateAccountResult.Created);
    }

    public Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        cancellationToken.ThrowIfCancellationRequested();

        if (!UserNames.IsPrintable(username))
        {
            return Task.FromResult<UserAccount?>(null);
        }

        lock (_gate)
        {
            return Task.FromResult(_byUsername.GetValueOrDefault(UserNames.Normalize(username)));
        }
    }

    public Task<UserProfile?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            return Task.FromResult(_byId.TryGetValue(userId, out var account) ? ToProfile(account) : null);
        }
    }

    public Task<UserAccount?> FindAccountByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            return Task.FromResult(_byId.GetValueOrDefault(userId));
        }
    }

    public Task<IReadOnlyDictionary<string, UserProfile>> FindByIdsAsync(
        IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        cancellationToken.ThrowIfCancellationRequested();

        var profiles = new Dictionary<string, UserProfile>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var userId in userIds)
            {
                if (_byId.TryGetValue(userId, out var account))
                {
                    profiles[userId] = ToProfile(account);
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, UserProfile>>(profiles);
    }

    public Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (limit <= 0 || !UserNames.IsPrintable(query))
        {
            return Task.FromResult<IReadOnlyList<UserProfile>>([]);
        }

        var prefix = UserNames.Normalize(query);
        var matches = new SortedDictionary<string, UserAccount>(StringComparer.Ordinal);
        lock (_gate)
        {
            if (_usernames.Count > 0 && StringComparer.Ordinal.Compare(prefix, _usernames.Max) <= 0)
            {
                foreach (var username in _usernames.GetViewBetween(prefix, _usernames.Max))
                {
                    if (!username.StartsWith(prefix, StringComparison.Ordinal) || matches.Count == limit)
                    {
                        break;
                    }

                    matches[username] = _byUsername[username];
                }
            }

            if (_byAddress.TryGetValue(UserNames.NormalizeAddress(query), out var byAddress))
            {
                matches[UserNames.Normalize(byAddress.Username)] = byAddress;
            }
        }

        return Task.FromResult<IReadOnlyList<UserProfile>>([.. matches.Values.Take(limit).Select(ToProfile)]);
    }

    public Task<IReadOnlyList<UserProfile>> SearchPeopleAsync(string query, int limit, string? afterUsername, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        if (limit <= 0 || !UserNames.IsPrintable(query))
        {
            return Task.FromResult<IReadOnlyList<UserProfile>>([]);
        }

        var prefix = UserNames.Normalize(query);
        var lowered = query.ToLowerInvariant();
        var address = afterUsername is null ? UserNames.NormalizeAddress(query) : null;
        lock (_gate)
        {
            var found = _usernames
                .Where(username => afterUsername is null || string.CompareOrdinal(username, afterUsername) > 0)
                .Select(username => (username, account: _byUsername[username]))
                .Where(match => match.username.StartsWith(prefix, StringComparison.Ordinal)
                    || match.account.DisplayName.ToLowerInvariant().Contains(lowered, StringComparison.Ordinal)
                    || (address is not null && match.account.Address == address))
                .Take(limit)
                .Select(match => ToProfile(match.account))
                .ToList();
            return Task.FromResult<IReadOnlyList<UserProfile>>(found);
        }
    }

    public Task<int?> FindSessionVersionAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            return Task.FromResult(_byId.TryGetValue(userId, out var account) ? account.SessionVersion : (int?)null);
        }
    }

    public Task<bool> UpdateDisplayNameAsync(string userId, string displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(displayName);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (!_byId.TryGetValue(userId, out var account))
            {
                return Task.FromResult(false);
            }

            var updated = account with { DisplayName = displayName };
            AccountText.ThrowIfNotStorable(updated);
            Replace(updated);
            return Task.FromResult(true);
        }
    }

    public Task<int?> TryChangePasswordAsync(string userId, string expectedPasswordHash, string newPasswordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(expectedPasswordHash);
        ArgumentNullException.ThrowIfNull(newPasswordHash);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            if (!_byId.TryGetValue(userId, out var account) || account.PasswordHash != expectedPasswordHash)
            {
                return Task.FromResult<int?>(null);
            }

            var updated = account with { PasswordHash = newPasswordHash, SessionVersion = account.SessionVersion + 1 };
            Replace(updated);
            return Task.FromResult<int?>(updated.SessionVersion);
        }
    }

    /// <summary>Puts a changed account (same id, username and address) in every index; under the gate.</summary>
    private void Replace(UserAccount account)
    {
        _byId[account.UserId] = account;
        _byUsername[UserNames.Normalize(account.Username)] = account;
        if (account.Address is not null)
        {
            _byAddress[account.Address] = account;
        }
    }

    private static UserProfile ToProfile(UserAccount account) => new(account.UserId, account.Username, account.DisplayName);
}
