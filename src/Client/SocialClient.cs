using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Social.Client.Http;

namespace Social.Client;

/// <summary>
/// The Social API for one signed-in user: typed REST calls by area (<see cref="Auth"/>,
/// <see cref="Users"/>, <see cref="Friends"/>, <see cref="Messages"/>, <see cref="Groups"/>,
/// <see cref="Presence"/>, <see cref="Admin"/>) and
/// real-time connections (<see cref="Connect"/>). Registering or signing in makes the client use
/// that user's token. Refusals are <see cref="SocialApiException"/>s with the contract's code.
/// </summary>
/// <example>
/// <code>
/// var client = new SocialClient(new Uri("http://127.0.0.1:5080/"));
/// await client.Auth.LoginAsync("alice", "correct horse battery");
/// await using var live = client.Connect();
/// live.MessageReceived += (_, e) => Console.WriteLine($"{e.Message.SenderId}: {e.Message.Content}");
/// await live.StartAsync();
/// await live.SendAsync(bobId, "hello");
/// </code>
/// </example>
public sealed class SocialClient : IDisposable
{
    private readonly HttpClient? _ownedHttp;

    /// <summary>A client with its own <see cref="HttpClient"/> for <paramref name="baseAddress"/>.</summary>
    public SocialClient(Uri baseAddress, Action<SocialClientOptions>? configure = null)
        : this(new HttpClient { BaseAddress = baseAddress }, Configure(baseAddress, configure))
    {
        _ownedHttp = Http;
    }

    /// <summary>A client over <paramref name="http"/> (from <c>IHttpClientFactory</c>); its base address is the server's.</summary>
    public SocialClient(HttpClient http, SocialClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.BaseAddress ??= http.BaseAddress ?? throw new ArgumentException("Give the server's address (BaseAddress).", nameof(options));
        http.BaseAddress ??= options.BaseAddress;
        Options = options;
        Tokens = new AccessTokenStore(options);
        Transport = new ApiTransport(http, Tokens);
        Auth = new AuthClient(Transport, Tokens);
        Users = new UsersClient(Transport);
        Friends = new FriendsClient(Transport);
        Messages = new MessagesClient(Transport);
        Groups = new GroupsClient(Transport);
        Presence = new PresenceClient(Transport);
        Admin = new AdminClient(Transport);
    }

    /// <summary>The options this client was made with.</summary>
    public SocialClientOptions Options { get; }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress => Options.BaseAddress!;

    /// <summary>Registration, sign-in and the password change.</summary>
    public AuthClient Auth { get; }

    /// <summary>The caller, the display name, profiles and search.</summary>
    public UsersClient Users { get; }

    /// <summary>Friend requests, friendships and blocks.</summary>
    public FriendsClient Friends { get; }

    /// <summary>Messages, conversations and read state.</summary>
    public MessagesClient Messages { get; }

    /// <summary>Group conversations: membership, roles, messages and read state.</summary>
    public GroupsClient Groups { get; }

    /// <summary>The caller's own presence setting.</summary>
    public PresenceClient Presence { get; }

    /// <summary>Admin routes (need the server's admin key).</summary>
    public AdminClient Admin { get; }

    /// <summary>The token sent with every call, or null before sign-in.</summary>
    public AccessToken? AccessToken => Tokens.Current;

    /// <summary>The underlying HTTP client, for calls this library does not cover.</summary>
    public HttpClient Http => Transport.Http;

    internal AccessTokenStore Tokens { get; }

    internal ApiTransport Transport { get; }

    /// <summary>Uses <paramref name="token"/> from now on (a token from an outside identity provider, or a saved one).</summary>
    public void UseAccessToken(AccessToken? token) => Tokens.Set(token);

    /// <summary>Uses the bearer token <paramref name="token"/> from now on.</summary>
    public void UseAccessToken(string token) => Tokens.Set(new AccessToken(token));

    /// <summary>The current token, refreshed first when it is about to expire.</summary>
    public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default) => Tokens.GetAsync(cancellationToken);

    /// <summary>True when <c>GET /health/live</c> answers 200 (the server's process is up).</summary>
    public async Task<bool> IsLiveAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Transport.SendAsync(HttpMethod.Get, "/health/live", content: null, headers: null, authenticated: false, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>True when <c>GET /health/ready</c> answers 200 (the cluster and storage answer).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Transport.SendAsync(HttpMethod.Get, "/health/ready", content: null, headers: null, authenticated: false, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// A bare SignalR connection to <c>/hubs/messages</c> for the signed-in user, with this
    /// client's token provider and <see cref="RealtimeOptions.ConfigureHub"/> /
    /// <see cref="RealtimeOptions.ConfigureConnection"/>, for tools that drive the hub
    /// themselves (no reconnect, continuity or outbox: use <see cref="Connect"/> for those).
    /// </summary>
    /// <remarks>
    /// Its JSON knows this library's types only (source-generated, for trimming and AOT); to send
    /// or read other shapes add a resolver through <see cref="RealtimeOptions.ConfigureHub"/>
    /// (<c>AddJsonProtocol(o =&gt; o.PayloadSerializerOptions.TypeInfoResolverChain.Add(…))</c>).
    /// </remarks>
    /// <param name="sequenced">Ask for event positions (<c>?sequenced=true</c>, docs/api.md).</param>
    public HubConnection CreateHubConnection(bool sequenced = false)
    {
        var realtime = Options.Realtime;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, sequenced ? "/hubs/messages?sequenced=true" : "/hubs/messages"), options =>
            {
                options.AccessTokenProvider = async () => await GetAccessTokenAsync();
                realtime.ConfigureConnection?.Invoke(options);
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, SocialJsonContext.Default));
        realtime.ConfigureHub?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// A real-time connection for the signed-in user (not started: call
    /// <see cref="SocialConnection.StartAsync"/>). It reconnects, resumes, catches up and sends
    /// through its outbox by itself until disposed.
    /// </summary>
    public SocialConnection Connect() => new(this);

    /// <inheritdoc />
    public void Dispose()
    {
        Tokens.Dispose();
        _ownedHttp?.Dispose();
    }

    private static SocialClientOptions Configure(Uri baseAddress, Action<SocialClientOptions>? configure)
    {
        var options = new SocialClientOptions { BaseAddress = baseAddress };
        configure?.Invoke(options);
        return options;
    }
}
