using System.ComponentModel.DataAnnotations;

namespace Social.WebFront.Overload;

/// <summary>How much send work one front takes on before it refuses (<c>Social:Overload</c>).</summary>
public sealed class OverloadOptions
{
    public const string Section = "Social:Overload";

    /// <summary>
    /// Sends (REST and hub) in flight on this front at once; one more is refused at once with
    /// 503 <c>unavailable</c> and <c>Retry-After</c>, so what is admitted keeps a bounded latency
    /// (in flight ÷ throughput) instead of queueing for seconds.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentSends { get; set; } = 400;

    /// <summary>
    /// How long an admitted send may take before the caller is answered 503: the message may still
    /// be stored, and a retry with the same <c>clientMessageId</c> gets it back, never a copy.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
