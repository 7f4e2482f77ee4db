using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Social.Storage.Accounts;

namespace Social.WebFront.Auth;

/// <summary>
/// Gives users of an outside identity provider an account on first sight, so they have a
/// profile others can find and befriend. Their user id is the token's <c>sub</c>; the username
/// comes from <c>preferred_username</c> when it is free and valid, else from a hash of the id.
/// They have no password: they always sign in at their provider. Outside subjects and our own
/// users never share an id: an outside token whose <c>sub</c> is the id of an account registered
/// here (one with a password) is refused, so it cannot act as that user.
/// </summary>
public sealed partial class ExternalUserProvisioning(IUserDirectory directory, IOptions<AuthOptions> options, TimeProvider time)
{
    private const int MaxDisplayNameLength = 64;

    // Outside subjects known to own their account; bounded by the number of outside users.
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes sure an outside user has an account. False when the principal may not act: its
    /// subject is a user registered here.
    /// </summary>
    public async Task<bool> EnsureAccountAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!IsExternal(principal))
        {
            return true;
        }

        var userId = principal.UserId();
        if (_known.ContainsKey(userId))
        {
            return true;
        }

        if (await directory.FindAccountByIdAsync(userId, cancellationToken) is { } existing)
        {
            return Owns(existing);
        }

        var preferred = principal.FindFirstValue("preferred_username");
        var displayName = DisplayName(principal.FindFirstValue("name")) ?? DisplayName(preferred);
        foreach (var username in Candidates(userId, preferred))
        {
            var account = new UserAccount(userId, username, displayName ?? username, null, "", time.GetUtcNow());
            if (await directory.TryCreateAsync(account, cancellationToken) == CreateAccountResult.Created)
            {
                _known.TryAdd(userId, 0);
                return true;
            }

            if (await directory.FindAccountByIdAsync(userId, cancellationToken) is { } raced)
            {
                return Owns(raced);
            }
        }

        return false;

        bool Owns(UserAccount account)
        {
            if (!string.IsNullOrEmpty(account.PasswordHash))
            {
                return false;
            }

            _known.TryAdd(userId, 0);
            return true;
        }
    }

    private bool IsExternal(ClaimsPrincipal principal)
    {
        var external = options.Value.External;
        return external.IsConfigured && principal.FindFirstValue(JwtRegisteredClaimNames.Iss) == external.Issuer;
    }

    /// <summary>An outside display name, when it is printable: at most 64 characters, cut between code points.</summary>
    private static string? DisplayName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !UserNames.IsPrintable(trimmed))
        {
            return null;
        }

        var info = new StringInfo(trimmed);
        return info.LengthInTextElements <= MaxDisplayNameLength ? trimmed : info.SubstringByTextElements(0, MaxDisplayNameLength);
    }

    private static IEnumerable<string> Candidates(string userId, string? preferred)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));
        if (preferred is not null && Username().IsMatch(preferred))
        {
            yield return preferred;
            yield return $"{preferred[..Math.Min(preferred.Length, 25)]}_{hash[..6]}";
        }

        yield return $"user_{hash[..12]}";
        yield return $"user_{hash[..27]}";
    }

    [GeneratedRegex("^[A-Za-z0-9_.]{3,32}$")]
    private static partial Regex Username();
}
