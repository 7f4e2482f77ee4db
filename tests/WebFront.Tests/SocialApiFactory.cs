using Social.Testing.Server;

namespace Social.WebFront.Tests;

/// <summary>
/// The real WebFront on the in-memory test server (the kit's <see cref="SocialTestServer"/>),
/// with in-memory storage unless a PostgreSQL connection string is given.
/// </summary>
public class SocialApiFactory : SocialTestServer
{
    public SocialApiFactory(string? connectionString, IReadOnlyDictionary<string, string?>? settings)
        : base(new SocialTestServerOptions { ConnectionString = connectionString, Settings = settings ?? new Dictionary<string, string?>() })
    {
    }

    protected SocialApiFactory(SocialTestServerOptions options)
        : base(options)
    {
    }
}

/// <summary>One in-memory server shared by the API tests (users are fresh per test).</summary>
public sealed class SharedApiFactory() : SocialApiFactory(connectionString: null, settings: null);

[CollectionDefinition(Name)]
public sealed class SharedApiDefinition : ICollectionFixture<SharedApiFactory>
{
    public const string Name = "api";
}
