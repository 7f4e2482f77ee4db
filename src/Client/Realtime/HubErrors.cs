using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;

namespace Social.Client.Realtime;

/// <summary>Turns a hub refusal ("…HubException: not_friends: detail. Retry after 2 s.") into a <see cref="SocialApiException"/>.</summary>
internal static partial class HubErrors
{
    public static SocialApiException From(HubException exception)
    {
        const string Marker = "HubException: ";
        var text = exception.Message;
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        text = at >= 0 ? text[(at + Marker.Length)..] : text;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var code = colon > 0 && CodePattern().IsMatch(text[..colon]) ? text[..colon] : ErrorCodes.ServerError;
        var detail = colon > 0 ? text[(colon + 1)..].Trim() : text;
        var wait = RetryAfterPattern().Match(text);
        TimeSpan? retryAfter = wait.Success ? TimeSpan.FromSeconds(double.Parse(wait.Groups[1].Value, CultureInfo.InvariantCulture)) : null;
        return new SocialApiException(null, code, detail, retryAfter, inner: exception);
    }

    [GeneratedRegex("^[a-z_]+$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"Retry after (\d+(?:\.\d+)?) s")]
    private static partial Regex RetryAfterPattern();
}
