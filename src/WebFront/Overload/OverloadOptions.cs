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

    /// <summary>The fewest sends in flight the adaptive limit (<see cref="SendLatencyLimit"/>) goes down to.</summary>
    [Range(1, 1_000_000)]
    public int MinConcurrentSends { get; set; } = 64;

    /// <summary>
    /// While even the fastest send of an interval takes longer than this, fewer sends are admitted
    /// at once (<see cref="SendLatencyLimit"/>); zero keeps the limit at <see cref="MaxConcurrentSends"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan SendLatencyTarget { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the adaptive limit is adjusted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan SendLatencyInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long an admitted send may take before the caller is answered 503: the message may still
    /// be stored, and a retry with the same <c>clientMessageId</c> gets it back, never a copy.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a work item may wait for a thread-pool thread before the process counts as busy;
    /// zero switches the check off. Sends are refused while it has been busy for a whole
    /// <see cref="SaturationWindow"/> (see <see cref="ThreadPoolLag"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MaxThreadPoolLag { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the thread pool must stay busy before sends are refused for it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SaturationWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the thread pool is probed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan ThreadPoolProbeInterval { get; set; } = TimeSpan.FromMilliseconds(10);
}
