using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

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

/// <summary>The few contract calls the cluster tests make, over plain HttpClient.</summary>
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
        var username = $"{prefix}_{Guid.NewGuid():N}"[..24];
        using var response = await client.PostAsJsonAsync("/api/auth/register", new { username, password = "correct horse battery" }, cancellationToken);
        var body = await ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
        return new TestUser(body.GetProperty("userId").GetString()!, username, body.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A asks on one front, B accepts on another; returns their conversation id.</summary>
    public static async Task<string> BefriendAsync(HttpClient a, TestUser aUser, HttpClient b, TestUser bUser, CancellationToken cancellationToken)
    {
        using (var request = await a.PostAsync($"/api/friends/request/{bUser.UserId}", null, cancellationToken))
        {
            await ExpectAsync(request, HttpStatusCode.OK, cancellationToken);
        }

        using (var accept = await b.PostAsync($"/api/friends/accept/{aUser.UserId}", null, cancellationToken))
        {
            await ExpectAsync(accept, HttpStatusCode.OK, cancellationToken);
        }

        using var conversation = await a.GetAsync($"/api/messages/conversations/with/{bUser.UserId}", cancellationToken);
        return (await ExpectAsync(conversation, HttpStatusCode.OK, cancellationToken)).GetProperty("conversationId").GetString()!;
    }

    /// <summary>One POST /api/messages/send: the message when it was acknowledged (201, or 200 for a retry), else the status or error.</summary>
    public static async Task<(ReceivedMessage? Message, string Outcome)> TrySendAsync(HttpClient sender, string recipientId, string content, string clientMessageId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await sender.PostAsJsonAsync("/api/messages/send", new { recipientId, content, clientMessageId }, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                return (ReceivedMessage.From(await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)), ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return (null, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
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
        while (true)
        {
            using var response = await reader.GetAsync($"/api/messages/{conversationId}?afterSeq={afterSeq}&limit=100", cancellationToken);
            var page = await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                messages.Add(ReceivedMessage.From(item));
            }

            if (!page.GetProperty("hasMore").GetBoolean() || messages.Count == 0)
            {
                return messages;
            }

            afterSeq = messages[^1].Seq;
        }
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
