using Microsoft.Extensions.DependencyInjection;

namespace Social.Client.Tests;

/// <summary><c>services.AddSocialClient(...)</c>: clients from the container, over <c>IHttpClientFactory</c>, against the real server.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ServiceRegistrationTests(SharedServer server)
{
    [Fact]
    public async Task A_client_resolved_from_the_container_talks_to_the_server_through_the_factory()
    {
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddTransient(_ => counter);
        services.AddSocialClient(options => options.BaseAddress = server.BaseAddress).AddHttpMessageHandler<CountingHandler>();
        await using var provider = services.BuildServiceProvider();

        var alice = provider.GetRequiredService<SocialClient>();
        var bob = provider.GetRequiredService<SocialClient>();
        Assert.NotSame(alice, bob);
        Assert.NotSame(alice.Options, bob.Options);
        Assert.Equal(server.BaseAddress, alice.BaseAddress);

        var aliceAuth = await TestUsers.SignUpAsync(alice, "di_alice");
        var bobAuth = await TestUsers.SignUpAsync(bob, "di_bob");
        Assert.Equal(aliceAuth.UserId, (await alice.Users.GetMeAsync()).UserId);
        Assert.Equal(bobAuth.UserId, (await bob.Users.GetMeAsync()).UserId);
        await TestUsers.BefriendAsync(aliceAuth, bobAuth);
        Assert.Equal(bobAuth.UserId, Assert.Single((await alice.Friends.ListAsync()).Items).UserId);

        // Every call went through the factory's handler pipeline.
        Assert.True(counter.Requests >= 7, $"{counter.Requests} requests through the handler");
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
