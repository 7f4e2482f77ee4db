using Orleans.Providers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Configuration;

namespace Social.Grains.Realtime;

/// <summary>
/// Lets a stream event's serialized bytes pass between grains of one silo without being copied.
/// Orleans copies the arguments and results of every call inside a silo unless their type is
/// immutable, and <see cref="MemoryMessageData"/> is not marked so: each event's bytes were copied
/// once on the way into the queue grain and twice on the way out (the response is copied by the
/// call's invoker and again when it is sent), half of all byte arrays the silo allocated under
/// load. Nothing writes to those bytes after the publisher serializes them (the queue, the pulling
/// agent's cache and the consumers only read them), so sharing them is safe; between silos they
/// are serialized as before.
/// </summary>
internal sealed class StreamPayloadCopier : IDeepCopier<MemoryMessageData>, IOptionalDeepCopier
{
    public MemoryMessageData DeepCopy(MemoryMessageData input, CopyContext context) => input;

    public bool IsShallowCopyable() => true;

    /// <summary>Puts this copier in place of the one Orleans generated for <see cref="MemoryMessageData"/>.</summary>
    public static void Replace(TypeManifestOptions options)
    {
        options.Copiers.RemoveWhere(copier => copier != typeof(StreamPayloadCopier) && copier.IsAssignableTo(typeof(IDeepCopier<MemoryMessageData>)));
        options.Copiers.Add(typeof(StreamPayloadCopier));
    }
}
