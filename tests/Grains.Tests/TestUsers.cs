namespace Social.Grains.Tests;

internal static class TestUsers
{
    /// <summary>A fresh user id per call, so tests sharing a cluster never see each other's users.</summary>
    public static string NewId(string name = "user") => $"{name}-{Guid.NewGuid():N}";
}
