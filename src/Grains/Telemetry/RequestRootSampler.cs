using OpenTelemetry.Trace;

namespace Social.Grains.Telemetry;

/// <summary>
/// Traces start where work comes in (an HTTP request, a hub invocation), not in Orleans' own
/// background: a grain call with no parent (a stream agent polling its queue every 10 ms, a
/// timer, the dashboard's statistics) is not sampled, nor is anything it calls. Without this, the
/// pulling agents alone start hundreds of traces a second. Grain calls inside a request's trace
/// are kept. Use as the root sampler of a <see cref="ParentBasedSampler"/>.
/// </summary>
public sealed class RequestRootSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsGrainCall(samplingParameters.Name) ? Drop : Keep;

    /// <summary>Orleans names a grain call's span <c>IInterface/Method</c>.</summary>
    private static bool IsGrainCall(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 1 && name[0] == 'I' && char.IsUpper(name[1]) && !name.AsSpan(0, slash).ContainsAny(' ', '.');
    }
}
