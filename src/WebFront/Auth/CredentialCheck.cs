using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Social.Storage.Accounts;

namespace Social.WebFront.Auth;

/// <summary>
/// Checks a password against an account. An unknown username (or an account without a password,
/// from an outside issuer) is checked against a dummy hash, so that a login costs the same hash
/// whether or not the name exists and its timing does not tell which names do.
/// </summary>
public sealed class CredentialCheck
{
    private static readonly UserAccount Nobody = new("", "", "", null, "", DateTimeOffset.UnixEpoch);

    private readonly IPasswordHasher<UserAccount> _hasher;
    private readonly string _dummyHash;

    public CredentialCheck(IPasswordHasher<UserAccount> hasher)
    {
        _hasher = hasher;
        _dummyHash = hasher.HashPassword(Nobody, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
    }

    public bool Verify(UserAccount? account, string password)
    {
        if (account is null || string.IsNullOrEmpty(account.PasswordHash))
        {
            _hasher.VerifyHashedPassword(Nobody, _dummyHash, password);
            return false;
        }

        return _hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }
}
