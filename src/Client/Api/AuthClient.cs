using Social.Client.Http;

namespace Social.Client;

/// <summary>
/// <c>/api/auth</c>: registration and sign-in, and the password change
/// (<c>/api/users/me/password</c>). Each success makes the client use the new token.
/// </summary>
public sealed class AuthClient
{
    private readonly ApiTransport _transport;
    private readonly AccessTokenStore _tokens;

    internal AuthClient(ApiTransport transport, AccessTokenStore tokens)
    {
        _transport = transport;
        _tokens = tokens;
    }

    /// <summary><c>POST /api/auth/register</c>: 409 <c>username_taken</c>/<c>address_taken</c>, 400 <c>validation_failed</c>.</summary>
    public async Task<AuthResult> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _transport.SendJsonAsync(HttpMethod.Post, "/api/auth/register", request,
            SocialJsonContext.Default.RegisterRequest, SocialJsonContext.Default.AuthResult, authenticated: false, cancellationToken);
        _tokens.Set(result.ToAccessToken());
        return result;
    }

    /// <summary><c>POST /api/auth/login</c>: 401 <c>invalid_credentials</c>, 429 <c>rate_limited</c> after too many failures.</summary>
    public async Task<AuthResult> LoginAsync(LoginRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _transport.SendJsonAsync(HttpMethod.Post, "/api/auth/login", request,
            SocialJsonContext.Default.LoginRequest, SocialJsonContext.Default.AuthResult, authenticated: false, cancellationToken);
        _tokens.Set(result.ToAccessToken());
        return result;
    }

    /// <summary>Signs in as <paramref name="username"/>.</summary>
    public Task<AuthResult> LoginAsync(string username, string password, CancellationToken cancellationToken = default) =>
        LoginAsync(new LoginRequest(username, password), cancellationToken);

    /// <summary>
    /// <c>POST /api/users/me/password</c>: sets a new password and makes the client use the fresh
    /// token it answers with. Every other session of the user ends (their tokens are refused and
    /// their connections closed); this client's session goes on. Refusals: 403
    /// <c>wrong_password</c>, 400 <c>validation_failed</c> (<paramref name="newPassword"/> 8 to 256
    /// characters), 429 <c>rate_limited</c> (wrong current passwords count as failed logins), 403
    /// <c>forbidden</c> (an outside identity provider's account), 503 <c>unavailable</c>.
    /// </summary>
    /// <param name="currentPassword">The password the user signs in with now.</param>
    /// <param name="newPassword">The new password.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<AuthResult> ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        var result = await _transport.SendJsonAsync(HttpMethod.Post, "/api/users/me/password", new ChangePasswordRequest(currentPassword, newPassword),
            SocialJsonContext.Default.ChangePasswordRequest, SocialJsonContext.Default.AuthResult, authenticated: true, cancellationToken);
        _tokens.Set(result.ToAccessToken());
        return result;
    }
}
