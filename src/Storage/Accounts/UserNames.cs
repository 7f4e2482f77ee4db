using System.Globalization;
using System.Text;

namespace Social.Storage.Accounts;

/// <summary>
/// What "the same username" means everywhere: storage, lookup, login throttling and search all
/// compare <see cref="Normalize"/>d names, so no spelling of a name (KELVIN SIGN for K, full-width
/// letters, other case) reaches an account, or a fresh login allowance, that another spelling does not.
/// </summary>
public static class UserNames
{
    /// <summary>
    /// NFKC, then case folded (upper then lower casing, invariant, which also folds the letters
    /// whose lower case alone does not meet their other forms), then NFKC again. Only for text that
    /// <see cref="IsPrintable"/> accepts.
    /// </summary>
    public static string Normalize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        var compatible = username.Normalize(NormalizationForm.FormKC);
        return compatible.ToUpperInvariant().ToLowerInvariant().Normalize(NormalizationForm.FormKC);
    }

    /// <summary>
    /// A public address as it is stored and looked up: trimmed and <see cref="Normalize"/>d, so
    /// "0xAbC" and "0xabc" are one address (wallet addresses are case-insensitive; their mixed
    /// case is only a checksum).
    /// </summary>
    public static string NormalizeAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Normalize(address.Trim());
    }

    /// <summary>
    /// True when <paramref name="text"/> is valid Unicode (no lone surrogate) without control
    /// characters (NUL among them, which PostgreSQL cannot store) or format characters (zero-width
    /// and direction marks, which make two names look alike).
    /// </summary>
    public static bool IsPrintable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(text, i) == UnicodeCategory.Format)
                {
                    return false;
                }

                i++;
                continue;
            }

            if (char.IsSurrogate(text[i]) || char.IsControl(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.Format)
            {
                return false;
            }
        }

        return true;
    }
}
