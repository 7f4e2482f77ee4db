using Social.Testing.Server;

namespace Social.WebFront.Tests;

/// <summary>The real server on Kestrel, bound to a free loopback port, for real SignalR and WebSocket clients.</summary>
public class KestrelApiFactory : SocialApiFactory
{
    public KestrelApiFactory()
        : this(settings: null)
    {
    }

    protected KestrelApiFactory(IReadOnlyDictionary<string, string?>? settings)
        : base(new SocialTestServerOptions { Kestrel = true, Settings = settings ?? new Dictionary<string, string?>() })
    {
    }

    public HttpClient CreateLoopbackClient() => CreateHttpClient();
}

[CollectionDefinition(Name)]
public sealed class KestrelServerDefinition : ICollectionFixture<KestrelApiFactory>
{
    public const string Name = "kestrel";
}
