namespace Social.Grains;

/// <summary>Names shared by silos and clients: storage providers, streams, configuration sections.</summary>
public static class SocialNames
{
    /// <summary>Grain storage for user and friendship state.</summary>
    public const string GrainStorage = "social";

    /// <summary>Orleans' conventional name for the stream pub-sub storage.</summary>
    public const string PubSubStorage = "PubSubStore";

    public const string ClusterId = "social";
    public const string ServiceId = "social";
}
