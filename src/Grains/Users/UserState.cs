using Social.Grains.Friends;

namespace Social.Grains.Users;

/// <summary>
/// What a user grain stores: the plan and the user's side of every pair it has been part of.
/// Stored as JSON without type names (see JsonGrainStorageSerializer), so member names are the
/// storage contract: rename with care.
/// </summary>
[GenerateSerializer, Alias("Social.UserState")]
public sealed class UserState
{
    [Id(0)]
    public Plan Plan { get; set; }

    /// <summary>Peer id → this user's view of the pair, with the pair version it came from.</summary>
    [Id(1)]
    public Dictionary<string, PeerEntry> Peers { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Alias("Social.PeerEntry")]
public sealed class PeerEntry
{
    [Id(0)]
    public PeerStatus Status { get; set; }

    [Id(1)]
    public bool IBlocked { get; set; }

    [Id(2)]
    public bool BlockedMe { get; set; }

    [Id(3)]
    public DateTimeOffset Since { get; set; }

    /// <summary>The pair grain's version this entry reflects; older projections are ignored.</summary>
    [Id(4)]
    public long Version { get; set; }

    public PeerView ToView() => new(Status, IBlocked, BlockedMe, Since);
}
