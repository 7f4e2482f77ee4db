using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Social.Grains.Hosting;

/// <summary>
/// Stores grain state as plain camelCase JSON (System.Text.Json), so rows stay readable with SQL
/// and survive refactoring.
/// </summary>
/// <remarks>
/// <para>
/// No type names are written: the JSON holds only the members, and the CLR type comes from the
/// grain that reads it. Renaming or moving a state class therefore leaves stored rows readable;
/// renaming a <em>property</em> does not (use <see cref="JsonPropertyNameAttribute"/> to keep the
/// old name). Members the class no longer has are ignored on read; members the JSON lacks keep
/// the class's initial value. Dictionary keys are written as they are (user ids stay user ids),
/// and enums as camelCase names, so reordering an enum cannot change stored meaning.
/// </para>
/// <para>
/// Public fields are included because Orleans' own stream pub-sub state (stored in the
/// "PubSubStore" provider) keeps its data in fields; Orleans' ids (GrainId, StreamId, ...) carry
/// their own System.Text.Json converters.
/// </para>
/// </remarks>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    public JsonGrainStorageSerializer()
        : this(CreateOptions())
    {
    }

    public JsonGrainStorageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MakeReadOnly(populateMissingResolver: true);
        _options = options;
    }

    /// <summary>The settings this serializer uses by default; a new, writable instance each call.</summary>
    public static JsonSerializerOptions CreateOptions() => new(JsonSerializerDefaults.Web)
    {
        IncludeFields = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // A stored JSON null comes back as null, which Orleans replaces with a new state instance.
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)!;
    }
}
