using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Social.Storage.Accounts;

namespace Social.WebFront.Auth;

/// <summary>
/// Whether a valid token of ours still stands for a live session: its user exists, and the
/// token's session version (claim <c>sv</c>, 0 when absent) is not below the account's, which a
/// password change raises. Applied wherever a token is accepted (REST, hub, raw WebSocket).
/// The account's version is cached per front for <see cref="AuthOptions.SessionCheckSeconds"/>;
/// the front that changes a password, and every front that holds the user's connections (they
/// hear <c>SessionsEndedEvent</c>), learn the new version at once. Unknown users are not cached.
/// Tokens of an outside issuer have no version here; their accounts are provisioned on sight.
/// </summary>
public sealed class SessionCheck : IDisposable
{
    public const string VersionClaim = "sv";

    private readonly IUserDirectory _directory;
    private readonly AuthOptions _options;
    private readonly MemoryCache _versions;

    public SessionCheck(IUserDirectory directory, IOptions<AuthOptions> options)
    {
        _directory = directory;
        _options = options.Value;
        _versions = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.SessionCacheSize });
    }

    /// <summary>True when the principal's token is ours (or an outside issuer's) and its session is current.</summary>
    public Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        IsCurrentAsync(principal, fresh: false, cancellationToken);

    /// <summary>As <see cref="IsCurrentAsync(ClaimsPrincipal, CancellationToken)"/>, reading the stored version past the cache.</summary>
    public Task<bool> IsCurrentFreshAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        IsCurrentAsync(principal, fresh: true, cancellationToken);

    /// <summary>The version a token was issued under (0 for tokens from before versions existed).</summary>
    public static int VersionOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(VersionClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;

    /// <summary>Whether the token was issued by us (only our tokens carry session versions).</summary>
    public bool IsOurs(ClaimsPrincipal principal) => principal.FindFirstValue(JwtRegisteredClaimNames.Iss) == _options.Issuer;

    /// <summary>A version learned for certain (a password change here, or the user's stream); never lowers one.</summary>
    public void Remember(string userId, int version)
    {
        if (_versions.TryGetValue(userId, out int known) && known >= version)
        {
            return;
        }

        Store(userId, version);
    }

    private async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, bool fresh, CancellationToken cancellationToken)
    {
        if (!IsOurs(principal))
        {
            return true;
        }

        var current = await CurrentVersionAsync(principal.UserId(), fresh, cancellationToken);
        return current is { } version && VersionOf(principal) >= version;
    }

    private async Task<int?> CurrentVersionAsync(string userId, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _versions.TryGetValue(userId, out int cached))
        {
            return cached;
        }

        var stored = await _directory.FindSessionVersionAsync(userId, cancellationToken);
        if (stored is { } version)
        {
            Remember(userId, version);
        }

        return stored;
    }

    private void Store(string userId, int version) =>
        _versions.Set(userId, version, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(_options.SessionCheckSeconds),
        });

    public void Dispose() => _versions.Dispose();
}
