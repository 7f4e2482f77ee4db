namespace Social.Grains.Hosting.GrainState;

/// <summary>
/// Where one grain's state lives in Orleans' <c>OrleansStorage</c> table, for a grain with a
/// string key: the columns Orleans' ADO.NET provider fills in for such a key (its own hashes, no
/// numeric key parts, the key as the extension string), so rows are the same whichever writes them.
/// </summary>
public sealed record StateRow(int GrainIdHash, int GrainTypeHash, string StateName, string Key, string ServiceId);

/// <summary>A queued read of one row: the payload (null when there is none) and the version (null when there is no row).</summary>
public sealed class PendingRead(StateRow row) : GroupedOperation
{
    public StateRow Row { get; } = row;

    public byte[]? Payload { get; set; }

    public int? Version { get; set; }
}

/// <summary>
/// A queued write of one row, conditional on <see cref="ExpectedVersion"/> (null: insert only if
/// there is no row), or with a null <see cref="Payload"/> a clear (the payload dropped, the row
/// kept, as Orleans clears). <see cref="StoredVersion"/> is the row's new version; when the
/// condition did not hold, a write gives back what was passed in and a clear gives null.
/// </summary>
public sealed class PendingWrite(StateRow row, int? expectedVersion, byte[]? payload) : GroupedOperation
{
    public StateRow Row { get; } = row;

    public int? ExpectedVersion { get; } = expectedVersion;

    public byte[]? Payload { get; } = payload;

    public int? StoredVersion { get; set; }
}
