using System.Net.Http.Json;
using Social.Client.Http;

namespace Social.Client;

/// <summary><c>/api/admin</c>, with the <c>X-Admin-Key</c> header (the PRO membership integration point).</summary>
public sealed class AdminClient
{
    private readonly ApiTransport _transport;

    internal AdminClient(ApiTransport transport) => _transport = transport;

    /// <summary><c>PUT /api/admin/users/{userId}/plan</c>: takes effect at once. 401 <c>unauthorized</c> for a wrong key.</summary>
    public Task SetPlanAsync(string adminKey, string userId, string plan, CancellationToken cancellationToken = default) =>
        _transport.SendNoContentAsync(
            HttpMethod.Put,
            $"/api/admin/users/{Uri.EscapeDataString(userId)}/plan",
            () => JsonContent.Create(new SetPlanRequest(plan), SocialJsonContext.Default.SetPlanRequest),
            headers => headers.Add("X-Admin-Key", adminKey),
            authenticated: false,
            cancellationToken);
}
