using System.Collections.Concurrent;
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
/// They have no password: they always sign in at their provider.
/// </summary>
public sealed partial class ExternalUserProvisioning(IUserDirectory directory, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    public async Task EnsureAccountAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var external = options.Value.External;
        if (!external.IsConfigured || principal.FindFirstValue(JwtRegisteredClaimNames.Iss) != external.Issuer)
        {
            return;
        }

        var userId = principal.UserId();
        if (_known.ContainsKey(userId) || await directory.FindByIdAsync(userId, cancellationToken) is not null)
        {
            _known.TryAdd(userId, 0);
            return;
        }

        var preferred = principal.FindFirstValue("preferred_username");
        var displayName = principal.FindFirstValue("name") ?? preferred;
        foreach (var username in Candidates(userId, preferred))
        {
            var account = new UserAccount(userId, username, string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim()[..Math.Min(64, displayName.Trim().Length)], null, "", time.GetUtcNow());
            var result = await directory.TryCreateAsync(account, cancellationToken);
            if (result == CreateAccountResult.Created || await directory.FindByIdAsync(userId, cancellationToken) is not null)
            {
                _known.TryAdd(userId, 0);
                return;
            }
        }
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
