using Microsoft.AspNetCore.SignalR;
using Social.Grains;
using Social.Grains.Groups;
using Social.Grains.Messages;
using Social.WebFront.Api;
using Social.WebFront.Auth;

namespace Social.WebFront.Realtime;

public sealed record GroupHubSendRequest(string? ConversationId, string? Content, string? ClientMessageId);

public sealed record GroupHubReadRequest(string? ConversationId, long? UpToSeq);

/// <summary>
/// The hub's group methods (docs/api.md, "Groups"): the same group grain calls as the REST
/// routes; a refusal is a HubException whose message starts with the code.
/// </summary>
public sealed partial class MessagesHub
{
    public async Task<GroupMessage> SendGroupMessage(GroupHubSendRequest? request)
    {
        if (request is null || (request.ClientMessageId is not null && !Inputs.IsValidId(request.ClientMessageId)))
        {
            throw HubRefusals.Validation("clientMessageId", "clientMessageId is 1 to 100 characters.");
        }

        var group = Group(request.ConversationId);
        var command = new GroupSendCommand(Context.User!.UserId(), request.Content ?? "", request.ClientMessageId);
        var result = await gate.RunAsync(() => group.Send(command));
        return result.Message
            ?? throw (result.Error != GroupError.None ? GroupRefused(result.Error) : HubRefusals.From(result.MessageError, result.RetryAfter));
    }

    public async Task<ReadState> MarkGroupRead(GroupHubReadRequest? request)
    {
        if (request?.UpToSeq is < 0)
        {
            throw HubRefusals.Validation("upToSeq", "upToSeq must not be negative.");
        }

        return await Group(request?.ConversationId).MarkRead(Context.User!.UserId(), request?.UpToSeq)
            ?? throw GroupRefused(GroupError.GroupNotFound);
    }

    public async Task GroupTyping(string conversationId)
    {
        if (!await Group(conversationId).Typing(Context.User!.UserId()))
        {
            throw GroupRefused(GroupError.GroupNotFound);
        }
    }

    private IGroupGrain Group(string? conversationId) =>
        GroupIds.IsWellFormed(conversationId) ? grains.GetGroup(conversationId!) : throw GroupRefused(GroupError.GroupNotFound);

    private static HubException GroupRefused(GroupError error) => HubRefusals.From(Problems.FromGroupError(error));
}
