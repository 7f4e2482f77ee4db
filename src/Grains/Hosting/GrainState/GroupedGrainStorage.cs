using System.Globalization;
using System.Text;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Social.Grains.Hosting.GrainState;

/// <summary>
/// Orleans' ADO.NET grain storage with group commit: the reads and writes of many grains that
/// arrive together share one round trip and one PostgreSQL transaction
/// (<see cref="OperationGroups{T}"/>), where Orleans' provider spends one transaction on each. A
/// friend pair's eight state writes and five activation reads otherwise cost thirteen transactions,
/// eight of them waiting for a WAL flush (BENCHMARKS.md, "Friend requests").
/// </summary>
/// <remarks>
/// <para>
/// Same table, same rows, same statements, same version (ETag) rules as Orleans' provider, which
/// this wraps: it runs Orleans' stored statements for each grain with the hashes Orleans would
/// compute, so either can read what the other wrote. A write is acknowledged only after its group
/// commits; a stale version fails that grain's write alone (<see cref="InconsistentStateException"/>),
/// any other error fails every write of the group and stores none of it.
/// </para>
/// <para>
/// Clears are grouped with the writes (a stream's pub-sub row is cleared when its last producer
/// leaves). Grains whose key Orleans stores as a number or a GUID (a string key that parses as
/// one) go to Orleans' provider one by one, and so do clears when the provider deletes rows.
/// </para>
/// </remarks>
public sealed class GroupedGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Most operations in one group (one batch of statements).</summary>
    public const int MaxGroupSize = 500;

    private readonly AdoNetGrainStorage _orleans;
    private readonly string _name;
    private readonly string _serviceId;
    private readonly AdoNetGrainStorageOptions _options;
    private readonly IActivatorProvider _activators;
    private readonly OperationGroups<PendingRead> _reads;
    private readonly OperationGroups<PendingWrite> _writes;
    private PostgresStateBatches? _batches;

    public GroupedGrainStorage(AdoNetGrainStorage orleans, string name, string serviceId, AdoNetGrainStorageOptions options, IActivatorProvider activators)
    {
        ArgumentNullException.ThrowIfNull(options);
        _orleans = orleans;
        _name = name;
        _serviceId = serviceId;
        _options = options;
        _activators = activators;
        _reads = new OperationGroups<PendingRead>(reads => Batches.ReadAsync(reads), MaxGroupSize);
        _writes = new OperationGroups<PendingWrite>(writes => Batches.WriteAsync(writes), MaxGroupSize);
    }

    // Orleans' provider loads its statements from the OrleansQuery table when the silo starts,
    // before any grain runs; the same statements are used here.
    private PostgresStateBatches Batches => _batches ??= new PostgresStateBatches(
        _options.ConnectionString ?? throw new InvalidOperationException($"Grain storage '{_name}' has no connection string."),
        _orleans.CurrentOperationalQueries.ReadFromStorage,
        _orleans.CurrentOperationalQueries.WriteToStorage,
        _orleans.CurrentOperationalQueries.ClearState);

    public void Participate(ISiloLifecycle lifecycle) => _orleans.Participate(lifecycle);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (RowOf(stateName, grainId, grainState) is not { } row)
        {
            await _orleans.ReadStateAsync(stateName, grainId, grainState);
            return;
        }

        var read = new PendingRead(row);
        await _reads.RunAsync(read);
        grainState.State = read.Payload is { } payload
            ? _orleans.Serializer.Deserialize<T>(new BinaryData(payload)) ?? _activators.GetActivator<T>().Create()
            : _activators.GetActivator<T>().Create();
        grainState.ETag = read.Version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = read.Payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (RowOf(stateName, grainId, grainState) is not { } row)
        {
            await _orleans.WriteStateAsync(stateName, grainId, grainState);
            return;
        }

        var write = new PendingWrite(row, ExpectedVersion(grainState.ETag), _orleans.Serializer.Serialize(grainState.State).ToArray());
        await _writes.RunAsync(write);

        grainState.ETag = CheckedVersion("WriteState", write, grainState.ETag);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (_options.DeleteStateOnClear || RowOf(stateName, grainId, grainState) is not { } row)
        {
            await _orleans.ClearStateAsync(stateName, grainId, grainState);
            return;
        }

        // As Orleans does: a grain that never read its row learns its version first, and has nothing to clear without one.
        if (!grainState.RecordExists && string.IsNullOrWhiteSpace(grainState.ETag))
        {
            await ReadStateAsync(stateName, grainId, grainState);
            if (!grainState.RecordExists)
            {
                return;
            }
        }

        var clear = new PendingWrite(row, ExpectedVersion(grainState.ETag), payload: null);
        await _writes.RunAsync(clear);
        grainState.ETag = CheckedVersion("ClearState", clear, grainState.ETag);
        grainState.RecordExists = false;
        grainState.State = _activators.GetActivator<T>().Create();
    }

    private static int? ExpectedVersion(string? etag) =>
        string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    /// <summary>The new version as an ETag, or Orleans' conflict: the version did not move, or there was none to move, so nothing was written.</summary>
    private string CheckedVersion(string operation, PendingWrite write, string? etag)
    {
        var stored = write.StoredVersion?.ToString(CultureInfo.InvariantCulture);
        if (stored == etag || (stored is null && etag is not null))
        {
            throw new InconsistentStateException(
                $"Version conflict ({operation}): ServiceId={_serviceId} ProviderName={_name} GrainType={write.Row.StateName} GrainId={write.Row.Key} ETag={etag}.",
                stored,
                etag);
        }

        return stored!;
    }

    /// <summary>The row of a grain whose key Orleans stores as a string, else null.</summary>
    private StateRow? RowOf<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Orleans stores a key that parses as a GUID or a (hexadecimal) number in its numeric
        // columns, and reformats generic type names; those rows are left to Orleans' provider.
        if (grainId.TryGetGuidKey(out _, out _) || grainId.TryGetIntegerKey(out _, out _) || stateName.Contains('`', StringComparison.Ordinal))
        {
            return null;
        }

        if (_orleans.HashPicker.PickHasher(_serviceId, _name, stateName, grainId, grainState) is not { } hasher)
        {
            return null;
        }

        var key = grainId.Key.ToString();

        // Orleans hashes a string key's UTF-8 bytes in reverse order on little-endian machines.
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(keyBytes);
        }

        return new StateRow(hasher.Hash(keyBytes), hasher.Hash(Encoding.UTF8.GetBytes(stateName)), stateName, key, _serviceId);
    }
}
