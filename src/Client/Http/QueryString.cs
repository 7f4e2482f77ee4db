using System.Globalization;

namespace Social.Client.Http;

/// <summary>Builds a route's query string from the parameters that were given.</summary>
internal static class QueryString
{
    public static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>?a=1&amp;b=x</c> for the parameters with a value, escaped; empty when none has one.</summary>
    public static string Of(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }
}
