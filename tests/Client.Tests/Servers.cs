namespace Social.Client.Tests;

/// <summary>One in-memory server on Kestrel, shared by the tests that do not restart it (users are fresh per test).</summary>
public sealed class SharedServer() : SocialTestServer(new SocialTestServerOptions { Kestrel = true })
{
    /// <summary>A new user on this server, signed in on its own client.</summary>
    public Task<TestUser> SignUpAsync(string prefix = "u") => TestUsers.SignUpAsync(CreateSocialClient(), prefix);
}

[CollectionDefinition(Name)]
public sealed class SharedServerDefinition : ICollectionFixture<SharedServer>
{
    public const string Name = "client-shared-server";
}
