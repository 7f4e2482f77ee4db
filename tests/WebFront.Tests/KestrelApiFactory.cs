using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Social.WebFront.Tests;

/// <summary>The real server on Kestrel, bound to a free loopback port, for real SignalR and WebSocket clients.</summary>
public class KestrelApiFactory : SocialApiFactory
{
    public KestrelApiFactory()
        : this(settings: null)
    {
    }

    protected KestrelApiFactory(IReadOnlyDictionary<string, string?>? settings)
        : base(connectionString: null, settings)
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public Uri BaseAddress { get; }

    public HttpClient CreateLoopbackClient() => new() { BaseAddress = BaseAddress };
}

[CollectionDefinition(Name)]
public sealed class KestrelServerDefinition : ICollectionFixture<KestrelApiFactory>
{
    public const string Name = "kestrel";
}
