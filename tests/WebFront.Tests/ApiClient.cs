using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.WebFront.Tests;

public sealed record RegisteredUser(string UserId, string Username, string AccessToken);

/// <summary>Small helpers over HttpClient that speak the contract.</summary>
public static class ApiClient
{
    public static string NewUsername(string prefix = "u") => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 25)];

    public static async Task<RegisteredUser> RegisterAsync(this HttpClient client, string? username = null, string password = "correct horse battery", string? address = null)
    {
        username ??= NewUsername();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username, password, address });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new RegisteredUser(body.GetProperty("userId").GetString()!, body.GetProperty("username").GetString()!, body.GetProperty("accessToken").GetString()!);
    }

    public static HttpClient As(this HttpClient client, RegisteredUser user)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a contract problem: status, problem+json and the <c>code</c> member.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }
}
