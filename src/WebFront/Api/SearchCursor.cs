using System.Buffers.Text;
using System.Text;
using Social.Storage.Accounts;

namespace Social.WebFront.Api;

/// <summary>People search pages are keyset pages on the normalized username; the cursor carries the last one.</summary>
public static class SearchCursor
{
    public static string After(UserProfile last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(UserNames.Normalize(last.Username)));

    /// <summary>The normalized username after which the page starts, or null for a cursor we did not make.</summary>
    public static string? Read(string cursor)
    {
        if (cursor.Length is 0 or > 200)
        {
            return null;
        }

        try
        {
            var username = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return username.Length is > 0 and <= 64 && UserNames.IsPrintable(username) ? username : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
