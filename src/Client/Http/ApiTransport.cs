using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Social.Client.Http;

/// <summary>
/// Sends one REST call: the bearer token (refreshed once after a 401 when a hook is set),
/// JSON through the source-generated context, and every refusal as a <see cref="SocialApiException"/>.
/// </summary>
internal sealed class ApiTransport(HttpClient http, AccessTokenStore tokens)
{
    public HttpClient Http => http;

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> result, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, content: null, headers: null, authenticated: true, cancellationToken);
        return await ReadAsync(response, result, cancellationToken);
    }

    public async Task<TResult> SendJsonAsync<TBody, TResult>(
        HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResult> result, bool authenticated, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, () => JsonContent.Create(body, bodyType), headers: null, authenticated, cancellationToken);
        return await ReadAsync(response, result, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, JsonTypeInfo<T> result, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, path, content: null, headers: null, authenticated: true, cancellationToken);
        return await ReadAsync(response, result, cancellationToken);
    }

    /// <summary>A call answered with 204 No Content.</summary>
    public async Task SendNoContentAsync(
        HttpMethod method, string path, Func<HttpContent>? content, Action<HttpRequestHeaders>? headers, bool authenticated, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, headers, authenticated, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, Func<HttpContent>? content, Action<HttpRequestHeaders>? headers, bool authenticated, CancellationToken cancellationToken)
    {
        var sentWith = tokens.Current;
        var response = await SendOnceAsync(method, path, content, headers, authenticated, cancellationToken);
        if (authenticated && response.StatusCode == HttpStatusCode.Unauthorized && await tokens.RefreshAsync(sentWith, cancellationToken))
        {
            response.Dispose();
            response = await SendOnceAsync(method, path, content, headers, authenticated, cancellationToken);
        }

        return response;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> result, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(result, cancellationToken)
            ?? throw new SocialApiException((int)response.StatusCode, ErrorCodes.ServerError, "The server answered without a body.");
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        ProblemDocument? problem = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0)
            {
                problem = JsonSerializer.Deserialize(text, SocialJsonContext.Default.ProblemDocument);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, say): the status speaks for itself.
        }

        throw new SocialApiException(
            status,
            problem?.Code ?? CodeOf(response.StatusCode),
            problem?.Detail ?? problem?.Title ?? response.ReasonPhrase,
            RetryAfterOf(response),
            problem?.Errors);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, string path, Func<HttpContent>? content, Action<HttpRequestHeaders>? headers, bool authenticated, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content?.Invoke() };
        if (authenticated && await tokens.GetAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        headers?.Invoke(request.Headers);
        return await http.SendAsync(request, cancellationToken);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static string CodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => ErrorCodes.Unauthorized,
        HttpStatusCode.TooManyRequests => ErrorCodes.RateLimited,
        HttpStatusCode.ServiceUnavailable => ErrorCodes.Unavailable,
        >= HttpStatusCode.InternalServerError => ErrorCodes.ServerError,
        _ => "http_" + ((int)status).ToString(CultureInfo.InvariantCulture),
    };
}
