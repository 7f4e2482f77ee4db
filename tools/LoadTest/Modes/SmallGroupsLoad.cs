using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Social.Grains;
using Social.Grains.Groups;
using Social.LoadTest.Clients;
using Social.LoadTest.Hosting;
using Social.LoadTest.Measuring;

namespace Social.LoadTest.Modes;

public sealed record SmallGroupsOptions(int Groups, int GroupSize, SendPlan Plan, TimeSpan Warmup, int MessageSize, TimeSpan QuietWait);

public sealed record SmallGroupsResult(SetupPhase Pairing, SetupPhase Creation, DurableSends Sends);

/// <summary>
/// Durable sends in many small groups straight through the grains (a silo in this process on
/// PostgreSQL), the group counterpart of the grains mode: each answered send is a committed
/// message, fanned out to its group's members.
/// </summary>
public static class SmallGroupsLoad
{
    public static async Task<SmallGroupsResult> RunAsync(SmallGroupsOptions options, string connectionString, CancellationToken cancellationToken)
    {
        await using var silo = await InProcessSilo.StartAsync(connectionString, cancellationToken);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var tag = RunTag.New();
        var members = Enumerable.Range(0, options.Groups)
            .Select(g => Enumerable.Range(0, options.GroupSize).Select(m => $"{tag}-{g}-{m}").ToArray())
            .ToArray();
        var friendships = members.SelectMany(group => group.Skip(1).Select(member => (Owner: group[0], Member: member))).ToArray();

        Progress.Say($"Making {friendships.Length} friendships for {options.Groups} groups of {options.GroupSize}...");
        var pairing = await SocialApi.RunAsync("pair", friendships.Length, 64,
            (i, _) => GrainsLoad.BefriendAsync(grains, friendships[i].Owner, friendships[i].Member), cancellationToken);
        SetupPhase.RequireAll(pairing, "pairing");

        var groupIds = members.Select(_ => GroupIds.New()).ToArray();
        Progress.Say($"Creating {options.Groups} groups...");
        var creation = await SocialApi.RunAsync("create", groupIds.Length, 64, async (i, _) =>
        {
            var created = await grains.GetGroup(groupIds[i]).Create(new CreateGroupCommand(members[i][0], $"g{i}", members[i].Skip(1).ToList()));
            return created.Error == GroupError.None ? null : $"create: {created.Error}";
        }, cancellationToken);
        SetupPhase.RequireAll(creation, "group creation");

        var content = new string('x', options.MessageSize);
        var sends = await DurableSends.MeasureAsync(options.Plan, options.Warmup, options.QuietWait, tag, connectionString, serverPid: null,
            async (prefix, n, _) =>
            {
                // Round-robin over the groups, each group's members in turn.
                var group = (int)(n % groupIds.Length);
                var sender = members[group][(int)(n / groupIds.Length % options.GroupSize)];
                var result = await grains.GetGroup(groupIds[group])
                    .Send(new GroupSendCommand(sender, content, prefix + n.ToString(CultureInfo.InvariantCulture)));
                return result.Message is null ? $"send: {result.Error} {result.MessageError}" : null;
            }, cancellationToken);
        return new SmallGroupsResult(pairing, creation, sends);
    }
}
