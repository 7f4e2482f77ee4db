using System.Reflection;
using System.Text;
using Orleans.Streams;
using Social.Grains.Hosting;

namespace Social.Storage.Tests.Hosting;

public sealed class JsonGrainStorageSerializerTests
{
    private readonly JsonGrainStorageSerializer _serializer = new();

    [Fact]
    public void A_row_written_by_a_state_class_is_read_by_its_renamed_successor()
    {
        var before = new ProfileStateV1
        {
            DisplayName = "Ada",
            Plan = Plan.Pro,
            Friends = ["u1", "u2"],
            SinceByUser = new() { ["User-1"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) },
        };

        var after = _serializer.Deserialize<Renamed.ProfileState>(_serializer.Serialize(before));

        Assert.Equal("Ada", after.DisplayName);
        Assert.Equal(Plan.Pro, after.Plan);
        Assert.Equal(["u1", "u2"], after.Friends);
        Assert.Equal(before.SinceByUser, after.SinceByUser);
    }

    [Fact]
    public void Rows_are_camel_case_with_enum_names_and_dictionary_keys_as_written_and_no_type_names()
    {
        var json = Encoding.UTF8.GetString(_serializer.Serialize(new ProfileStateV1 { DisplayName = "Ada", Plan = Plan.Pro, SinceByUser = new() { ["User-1"] = default } }).ToArray());

        Assert.Equal("""{"displayName":"Ada","plan":"pro","friends":[],"sinceByUser":{"User-1":"0001-01-01T00:00:00+00:00"}}""", json);
    }

    [Fact]
    public void Members_a_row_lacks_keep_their_initial_values_and_members_the_class_lacks_are_ignored()
    {
        var row = new BinaryData("""{"displayName":"Ada","removedLongAgo":42}"""u8.ToArray());

        var state = _serializer.Deserialize<Renamed.ProfileState>(row);

        Assert.Equal("Ada", state.DisplayName);
        Assert.Equal(Plan.Free, state.Plan);
        Assert.Empty(state.Friends);
    }

    [Fact]
    public void A_member_set_to_null_reads_back_as_null_not_as_its_initial_value()
    {
        var state = _serializer.Deserialize<WithDefault>(_serializer.Serialize(new WithDefault { Nickname = null }));

        Assert.Null(state.Nickname);
    }

    [Fact]
    public void Orleans_pub_sub_state_with_producers_does_not_round_trip_so_PubSubStore_keeps_the_Orleans_serializer()
    {
        // A row the "PubSubStore" provider wrote with this serializer (Orleans 10.4.2). Reading it
        // back fails: PubSubPublisherState's only constructor takes (streamId, streamProducer),
        // names that match none of its members. If this test starts failing, Orleans fixed that.
        const string Row = """
            {"producers":[{"stream":["probe-streams",["probe","u/listener"]],
              "producer":"sys.svc.stream.agent/127.0.0.1:23741@154547137+probe-streams_2_probe-streams-1-0x20000001",
              "membershipVersion":12}],
             "consumers":[]}
            """;
        var pubSubState = typeof(PubSubSubscriptionState).Assembly.GetType("Orleans.Streams.PubSubGrainState", throwOnError: true)!;
        var deserialize = typeof(JsonGrainStorageSerializer).GetMethod(nameof(JsonGrainStorageSerializer.Deserialize))!.MakeGenericMethod(pubSubState);

        var error = Assert.Throws<TargetInvocationException>(() => deserialize.Invoke(_serializer, [new BinaryData(Encoding.UTF8.GetBytes(Row))]));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("PubSubPublisherState", error.InnerException.Message, StringComparison.Ordinal);
    }

    public sealed class WithDefault
    {
        public string? Nickname { get; set; } = "initial";
    }

    public enum Plan
    {
        Free,
        Pro,
    }

    public sealed class ProfileStateV1
    {
        public string DisplayName { get; set; } = "";

        public Plan Plan { get; set; }

        public List<string> Friends { get; set; } = [];

        public Dictionary<string, DateTimeOffset> SinceByUser { get; set; } = [];
    }

    public static class Renamed
    {
        public sealed class ProfileState
        {
            public string DisplayName { get; set; } = "";

            public Plan Plan { get; set; }

            public List<string> Friends { get; set; } = [];

            public Dictionary<string, DateTimeOffset> SinceByUser { get; set; } = [];
        }
    }
}
