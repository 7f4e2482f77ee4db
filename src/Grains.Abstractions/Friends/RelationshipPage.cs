namespace Social.Grains.Friends;

[GenerateSerializer, Alias("Social.RelationshipFilter")]
public enum RelationshipFilter
{
    Accepted = 0,
    Pending = 1,
    Blocked = 2,
}

/// <summary>One row of a user's friend, pending or blocked list.</summary>
[GenerateSerializer, Immutable, Alias("Social.RelationshipEntry")]
public sealed record RelationshipEntry(
    [property: Id(0)] string PeerId,
    [property: Id(1)] PeerView View);

[GenerateSerializer, Immutable, Alias("Social.RelationshipPage")]
public sealed record RelationshipPage(
    [property: Id(0)] IReadOnlyList<RelationshipEntry> Items,
    [property: Id(1)] string? NextCursor);
