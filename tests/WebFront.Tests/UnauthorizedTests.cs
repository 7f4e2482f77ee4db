using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class UnauthorizedTests(SharedApiFactory factory)
{
    /// <summary>Every route that demands authorization, read from the app's own endpoint table.</summary>
    private List<(string Method, string Path)> ProtectedRoutes()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, "/" + Placeholders.Replace(e.RoutePattern.RawText!.TrimStart('/').Replace("{conversationId}", "dm_0"), Sample))))
            .ToList();
    }

    /// <summary>Route parameters ({userId}, {id:int}, {**path}), each replaced by a value its constraint accepts.</summary>
    private static readonly System.Text.RegularExpressions.Regex Placeholders = new(@"\{\**(?<name>[A-Za-z]+)(?<constraint>:[^}]*)?\}");

    private static string Sample(System.Text.RegularExpressions.Match match) =>
        match.Groups["constraint"].Value.Contains("int", StringComparison.Ordinal) || match.Groups["constraint"].Value.Contains("long", StringComparison.Ordinal) ? "1" : "someone";

    [Fact]
    public async Task Every_protected_route_answers_401_without_a_token()
    {
        var routes = ProtectedRoutes();
        Assert.True(routes.Count >= 12, $"Only {routes.Count} protected routes found.");
        var client = factory.CreateClient();

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            var response = await client.SendAsync(request);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task A_forged_token_is_refused()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");

        await (await client.GetAsync("/api/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Health_and_openapi_answer_without_a_token()
    {
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Contains("/api/friends/request/{targetId}", await client.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
    }
}
