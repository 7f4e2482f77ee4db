namespace Social.Client.Http;

/// <summary>An RFC 9457 problem with the contract's <c>code</c>.</summary>
internal sealed record ProblemDocument(string? Type, string? Title, int? Status, string? Detail, string? Code, Dictionary<string, string[]>? Errors);
