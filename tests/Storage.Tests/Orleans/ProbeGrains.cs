using Orleans.Runtime;
using Orleans.Streams;
using Social.Grains;

namespace Social.Storage.Tests.Orleans;

/// <summary>
/// A plain state class, as our grains keep: get/set properties, a list, a dictionary. (The Orleans
/// attributes are only for returning it from a grain call; storage writes it as JSON.)
/// </summary>
[GenerateSerializer, Alias("Social.Storage.Tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public List<string> History { get; set; } = [];

    [Id(2)]
    public Dictionary<string, int> WritesByValue { get; set; } = [];
}

[Alias("Social.Storage.Tests.IStateProbeGrain")]
public interface IStateProbeGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="value"/> and returns what was stored before.</summary>
    [Alias("Swap")]
    Task<string?> Swap(string value);

    [Alias("Read")]
    Task<ProbeState> Read();
}

[Alias("Social.Storage.Tests.IOtherProbeGrain")]
public interface IOtherProbeGrain : IStateProbeGrain;

public class StateProbeGrain([PersistentState("probe", SocialNames.GrainStorage)] IPersistentState<ProbeState> state)
    : Grain, IStateProbeGrain
{
    public async Task<string?> Swap(string value)
    {
        var previous = state.State.Value;
        state.State.Value = value;
        state.State.History.Add(value);
        state.State.WritesByValue[value] = state.State.WritesByValue.GetValueOrDefault(value) + 1;
        await state.WriteStateAsync();
        return previous;
    }

    public Task<ProbeState> Read() => Task.FromResult(state.State);
}

/// <summary>A different grain class that happens to use the same state name as <see cref="StateProbeGrain"/>.</summary>
public sealed class OtherProbeGrain([PersistentState("probe", SocialNames.GrainStorage)] IPersistentState<ProbeState> state)
    : StateProbeGrain(state), IOtherProbeGrain;

[Alias("Social.Storage.Tests.IStreamProbeGrain")]
public interface IStreamProbeGrain : IGrainWithStringKey
{
    /// <summary>Subscribes this grain to the stream whose key is this grain's key.</summary>
    [Alias("Subscribe")]
    Task Subscribe();

    [Alias("Publish")]
    Task Publish(string streamKey, string value);

    [Alias("Received")]
    Task<List<string>> Received();
}

/// <summary>
/// Subscribes explicitly to a memory stream, so the subscription lives in the "PubSubStore"
/// storage, and keeps what it receives in "social" storage.
/// </summary>
public sealed class StreamProbeGrain([PersistentState("received", SocialNames.GrainStorage)] IPersistentState<List<string>> received)
    : Grain, IStreamProbeGrain, IAsyncObserver<string>
{
    public const string Provider = "probe-streams";
    public const string Namespace = "probe";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Explicit subscriptions must be resumed by each new activation.
        var stream = this.GetStreamProvider(Provider).GetStream<string>(StreamId.Create(Namespace, this.GetPrimaryKeyString()));
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.ResumeAsync(this);
        }
    }

    public async Task Subscribe()
    {
        var stream = this.GetStreamProvider(Provider).GetStream<string>(StreamId.Create(Namespace, this.GetPrimaryKeyString()));
        if ((await stream.GetAllSubscriptionHandles()).Count == 0)
        {
            await stream.SubscribeAsync(this);
        }
    }

    public Task Publish(string streamKey, string value) =>
        this.GetStreamProvider(Provider).GetStream<string>(StreamId.Create(Namespace, streamKey)).OnNextAsync(value);

    public Task<List<string>> Received() => Task.FromResult(received.State);

    public async Task OnNextAsync(string item, StreamSequenceToken? token = null)
    {
        received.State.Add(item);
        await received.WriteStateAsync();
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
