using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Social.Grains.Realtime;

namespace Social.Grains.Accounts;

/// <summary>Publishes <see cref="SessionsEndedEvent"/> on the user's stream; stateless, runs where it is called.</summary>
[StatelessWorker]
public sealed class SessionNoticeGrain(ILogger<SessionNoticeGrain> logger) : Grain, ISessionNoticeGrain
{
    public Task SessionsEnded(int sessionVersion) =>
        UserEventPublisher.For(this, logger)
            .PublishAsync(this.GetPrimaryKeyString(), new StreamedUserEvent(0, 0, new SessionsEndedEvent(sessionVersion)));
}
