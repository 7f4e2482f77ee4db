using Microsoft.AspNetCore.Http.HttpResults;
using Social.Storage.Accounts;

namespace Social.WebFront.Api;

/// <summary>Checks on values that arrive in routes and query strings.</summary>
public static class Inputs
{
    public const int MaxIdLength = 100;

    /// <summary>Ids are opaque, but at most 100 characters of valid Unicode without control or format characters.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxIdLength && UserNames.IsPrintable(id);

    public static ProblemHttpResult InvalidId(string field) =>
        Problems.Validation(field, $"Must be 1 to {MaxIdLength} characters without control or format characters.");

    /// <summary>Reads an optional limit; null when it is out of range.</summary>
    public static int? Limit(int? requested, int fallback, int max) => requested switch
    {
        null => fallback,
        < 1 => null,
        var value when value > max => null,
        var value => value,
    };
}
