namespace Social.Client.Http;

/// <summary>
/// The client's current bearer token, refreshed through <see cref="SocialClientOptions.RefreshAccessToken"/>
/// a minute before it expires and after a 401; one refresh at a time.
/// </summary>
internal sealed class AccessTokenStore(SocialClientOptions options) : IDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private AccessToken? _current;

    public void Dispose() => _refreshing.Dispose();

    public AccessToken? Current => Volatile.Read(ref _current);

    public void Set(AccessToken? token) => Volatile.Write(ref _current, token);

    /// <summary>The token to send now, refreshed first when it is about to expire.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        var token = Current;
        if (token?.ExpiresAt is { } expiresAt && expiresAt - options.TimeProvider.GetUtcNow() < options.RefreshMargin && options.RefreshAccessToken is not null)
        {
            await RefreshAsync(token, cancellationToken);
        }

        return Current?.Value;
    }

    /// <summary>Asks the hook for a new token unless another caller already replaced <paramref name="stale"/>; false without a hook or a token.</summary>
    public async Task<bool> RefreshAsync(AccessToken? stale, CancellationToken cancellationToken)
    {
        if (options.RefreshAccessToken is null)
        {
            return false;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(Current, stale))
            {
                return Current is not null;
            }

            var fresh = await options.RefreshAccessToken(cancellationToken);
            Set(fresh);
            return fresh is not null;
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
