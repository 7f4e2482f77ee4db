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
/// the class's initial value (nulls are written, so a member set to null stays null). Dictionary keys are written as they are (user ids stay user ids),
/// and enums as camelCase names, so reordering an enum cannot change stored meaning.
/// </para>
/// <para>
/// Public fields are stored too, so a state type that uses fields does not silently lose them.
/// </para>
/// <para>
/// Not for Orleans' stream pub-sub state: its producer entries have no constructor that
/// System.Text.Json can bind, so the "PubSubStore" provider keeps Orleans' default serializer.
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
