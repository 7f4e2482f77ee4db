using System.Text;
using Npgsql;

namespace Social.Storage.Accounts;

/// <summary>The account store on the <c>users</c> table (schema script <c>004_users.sql</c>).</summary>
public sealed class PostgresUserDirectory(NpgsqlDataSource dataSource) : IUserDirectory
{
    // Constraint names from 004_users.sql.
    private const string UsernameConstraint = "users_username_lower_key";
    private const string AddressConstraint = "users_address_key";

    private const string ProfileColumns = "user_id, username, display_name";

    private const string AccountSelect = "SELECT user_id, username, display_name, address, password_hash, created_at, session_version FROM users";

    // Each branch is an index range scan bounded by the limit (the prefix branch on the
    // C-collated unique index of username_lower, the address branch on its unique index), so
    // the cost does not grow with the number of users. @pattern is a bound parameter; PostgreSQL
    // plans unprepared statements with the actual value, which it needs to turn LIKE 'abc%' into
    // an index range.
    internal const string SearchSql = $"""
        SELECT {ProfileColumns}
          FROM (
                (SELECT {ProfileColumns}, username_lower
                   FROM users
                  WHERE username_lower LIKE @pattern ESCAPE '\'
                  ORDER BY username_lower
                  LIMIT @limit)
                UNION
                (SELECT {ProfileColumns}, username_lower
                   FROM users
                  WHERE address = @address)
               ) AS matches
         ORDER BY username_lower
         LIMIT @limit
        """;

    // A display name can match anywhere in it: that branch uses the pg_trgm GIN index of
    // 009_display_name_trigram.sql (a bitmap OR with the two b-tree branches) for queries of 3
    // characters or more, and reads the table for shorter ones or where the extension is
    // missing; pages are keyset pages on username_lower.
    internal const string SearchPeopleSql = $"""
        SELECT {ProfileColumns}
          FROM users
         WHERE (username_lower LIKE @pattern ESCAPE '\'
                OR lower(display_name) LIKE @contains ESCAPE '\'
                OR address = @address)
           AND (@after::text IS NULL OR username_lower > @after::text)
         ORDER BY username_lower
         LIMIT @limit
        """;

    public async Task<IReadOnlyList<UserProfile>> SearchPeopleAsync(string query, int limit, string? afterUsername, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit <= 0 || !UserNames.IsPrintable(query))
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(SearchPeopleSql);
        command.Parameters.AddWithValue("pattern", EscapeLikePattern(UserNames.Normalize(query)) + "%");
        command.Parameters.AddWithValue("contains", "%" + EscapeLikePattern(query.ToLowerInvariant()) + "%");
        command.Parameters.Add(new NpgsqlParameter("address", NpgsqlTypes.NpgsqlDbType.Text) { Value = afterUsername is null ? UserNames.NormalizeAddress(query) : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)afterUsername ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);

        var results = new List<UserProfile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(ReadProfile(reader));
        }

        return results;
    }

    public async Task<CreateAccountResult> TryCreateAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        account = account with { Address = account.Address is null ? null : UserNames.NormalizeAddress(account.Address) };
        AccountText.ThrowIfNotStorable(account);

        await using var command = dataSource.CreateCommand("""
            INSERT INTO users (user_id, username, username_lower, display_name, address, password_hash, created_at)
            VALUES (@user_id, @username, @username_lower, @display_name, @address, @password_hash, @created_at)
            """);
        command.Parameters.AddWithValue("user_id", account.UserId);
        command.Parameters.AddWithValue("username", account.Username);
        command.Parameters.AddWithValue("username_lower", UserNames.Normalize(account.Username));
        command.Parameters.AddWithValue("display_name", account.DisplayName);
        command.Parameters.AddWithValue("address", (object?)account.Address ?? DBNull.Value);
        command.Parameters.AddWithValue("password_hash", account.PasswordHash);
        command.Parameters.AddWithValue("created_at", account.CreatedAt.ToUniversalTime());

        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return CreateAccountResult.Created;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == UsernameConstraint)
        {
            return CreateAccountResult.UsernameTaken;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == AddressConstraint)
        {
            return CreateAccountResult.AddressTaken;
        }
    }

    public async Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        if (!UserNames.IsPrintable(username))
        {
            return null;
        }

        await using var command = dataSource.CreateCommand($"{AccountSelect} WHERE username_lower = @username_lower");
        command.Parameters.AddWithValue("username_lower", UserNames.Normalize(username));
        return await ReadAccountAsync(command, cancellationToken);
    }

    public async Task<UserAccount?> FindAccountByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);

        await using var command = dataSource.CreateCommand($"{AccountSelect} WHERE user_id = @user_id");
        command.Parameters.AddWithValue("user_id", userId);
        return await ReadAccountAsync(command, cancellationToken);
    }

    private static async Task<UserAccount?> ReadAccountAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new UserAccount(
            UserId: reader.GetString(0),
            Username: reader.GetString(1),
            DisplayName: reader.GetString(2),
            Address: await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
            PasswordHash: reader.GetString(4),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(5))
        {
            SessionVersion = reader.GetInt32(6),
        };
    }

    public async Task<UserProfile?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);

        await using var command = dataSource.CreateCommand($"SELECT {ProfileColumns} FROM users WHERE user_id = @user_id");
        command.Parameters.AddWithValue("user_id", userId);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadProfile(reader) : null;
    }

    public async Task<IReadOnlyDictionary<string, UserProfile>> FindByIdsAsync(
        IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        var profiles = new Dictionary<string, UserProfile>(StringComparer.Ordinal);
        if (userIds.Count == 0)
        {
            return profiles;
        }

        await using var command = dataSource.CreateCommand($"SELECT {ProfileColumns} FROM users WHERE user_id = ANY(@user_ids)");
        command.Parameters.AddWithValue("user_ids", userIds.Distinct(StringComparer.Ordinal).ToArray());

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var profile = ReadProfile(reader);
            profiles[profile.UserId] = profile;
        }

        return profiles;
    }

    public async Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit <= 0 || !UserNames.IsPrintable(query))
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(SearchSql);
        command.Parameters.AddWithValue("pattern", EscapeLikePattern(UserNames.Normalize(query)) + "%");
        command.Parameters.AddWithValue("address", UserNames.NormalizeAddress(query));
        command.Parameters.AddWithValue("limit", limit);

        var results = new List<UserProfile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(ReadProfile(reader));
        }

        return results;
    }

    public async Task<int?> FindSessionVersionAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);

        await using var command = dataSource.CreateCommand("SELECT session_version FROM users WHERE user_id = @user_id");
        command.Parameters.AddWithValue("user_id", userId);
        return await command.ExecuteScalarAsync(cancellationToken) is int version ? version : null;
    }

    public async Task<bool> UpdateDisplayNameAsync(string userId, string displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(displayName);
        if (displayName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Account text cannot hold NUL characters.", nameof(displayName));
        }

        await using var command = dataSource.CreateCommand("UPDATE users SET display_name = @display_name WHERE user_id = @user_id");
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("display_name", displayName);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int?> TryChangePasswordAsync(string userId, string expectedPasswordHash, string newPasswordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(expectedPasswordHash);
        ArgumentNullException.ThrowIfNull(newPasswordHash);

        // One statement: the row lock orders concurrent changes, and the second one finds the
        // hash it checked against gone.
        await using var command = dataSource.CreateCommand("""
            UPDATE users
               SET password_hash = @new_hash, session_version = session_version + 1
             WHERE user_id = @user_id AND password_hash = @expected_hash
            RETURNING session_version
            """);
        command.Parameters.AddWithValue("user_id", userId);
        command.Parameters.AddWithValue("expected_hash", expectedPasswordHash);
        command.Parameters.AddWithValue("new_hash", newPasswordHash);
        return await command.ExecuteScalarAsync(cancellationToken) is int version ? version : null;
    }

    /// <summary>Makes <c>%</c>, <c>_</c> and <c>\</c> match themselves in a LIKE pattern with <c>ESCAPE '\'</c>.</summary>
    internal static string EscapeLikePattern(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '%' or '_' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static UserProfile ReadProfile(NpgsqlDataReader reader) =>
        new(UserId: reader.GetString(0), Username: reader.GetString(1), DisplayName: reader.GetString(2));
}
