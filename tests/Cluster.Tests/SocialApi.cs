using System.Net.Http.Headers;
using System.Text.Json;
using Social.Client;

namespace Social.Cluster.Tests;

public sealed record TestUser(string UserId, string Username, string AccessToken);

/// <summary>A message as the tests look at it.</summary>
public sealed record ReceivedMessage(string ConversationId, string MessageId, long Seq, string Content)
{
    public static ReceivedMessage From(JsonElement message) => new(
        message.GetProperty("conversationId").GetString()!,
        message.GetProperty("messageId").GetString()!,
        message.GetProperty("seq").GetInt64(),
        message.GetProperty("content").GetString()!);
}

/// <summary>The cluster tests' calls, through Social.Client over the HttpClient each test holds per front.</summary>
public static class SocialApi
{
    public static HttpClient Client(Uri front, TestUser? user = null)
    {
        var client = new HttpClient { BaseAddress = front, Timeout = TimeSpan.FromSeconds(15) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        }

        return client;
    }

    public static async Task<TestUser> RegisterAsync(Uri front, string prefix, CancellationToken cancellationToken)
    {
        using var client = Client(front);
        var auth = await Over(client).Auth.RegisterAsync(new RegisterRequest(Social.Testing.Users.TestUsers.NewUsername(prefix)[..24], Social.Testing.Users.TestUsers.Password), cancellationToken);
        return new TestUser(auth.UserId, auth.Username, auth.AccessToken);
    }

    /// <summary>A asks on one front, B accepts on another; returns their conversation id.</summary>
    public static async Task<string> BefriendAsync(HttpClient a, TestUser aUser, HttpClient b, TestUser bUser, CancellationToken cancellationToken)
    {
        await Over(a).Friends.RequestAsync(bUser.UserId, cancellationToken);
        await Over(b).Friends.AcceptAsync(aUser.UserId, cancellationToken);
        return await Over(a).Messages.GetConversationIdAsync(bUser.UserId, cancellationToken);
    }

    /// <summary>One POST /api/messages/send: the message when it was acknowledged (201, or 200 for a retry), else the status or error.</summary>
    public static async Task<(ReceivedMessage? Message, string Outcome)> TrySendAsync(HttpClient sender, string recipientId, string content, string clientMessageId, CancellationToken cancellationToken)
    {
        try
        {
            var message = await Over(sender).Messages.SendAsync(new SendMessageRequest(recipientId, content, clientMessageId), cancellationToken);
            return (new ReceivedMessage(message.ConversationId, message.MessageId, message.Seq, message.Content), "acknowledged");
        }
        catch (SocialApiException refused)
        {
            return (null, refused.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? refused.Code);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, exception.GetType().Name);
        }
    }

    /// <summary>The whole conversation, oldest first, read the way a reconnecting client catches up: pages of afterSeq.</summary>
    public static async Task<List<ReceivedMessage>> HistoryAsync(HttpClient reader, string conversationId, long afterSeq, CancellationToken cancellationToken)
    {
        var messages = new List<ReceivedMessage>();
        await foreach (var message in Over(reader).Messages.ReadAfterAsync(conversationId, afterSeq, cancellationToken))
        {
            messages.Add(new ReceivedMessage(message.ConversationId, message.MessageId, message.Seq, message.Content));
        }

        return messages;
    }

    /// <summary>The library over a test's HttpClient (its default Authorization header names the user).</summary>
    private static SocialClient Over(HttpClient http) => new(http, new SocialClientOptions { BaseAddress = http.BaseAddress });
}
