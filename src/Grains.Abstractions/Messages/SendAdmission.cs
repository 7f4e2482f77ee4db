namespace Social.Grains.Messages;

/// <summary>The sender's grain's answer to "may I send this now?".</summary>
[GenerateSerializer, Immutable, Alias("Social.SendAdmission")]
public sealed record SendAdmission(
    [property: Id(0)] MessageError Error,
    [property: Id(1)] TimeSpan? RetryAfter = null)
{
    public static SendAdmission Admitted { get; } = new(MessageError.None);

    public bool IsAdmitted => Error == MessageError.None;
}
