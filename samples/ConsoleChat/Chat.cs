using Social.Client;

namespace Social.Samples.ConsoleChat;

/// <summary>The chat's commands and how events are shown.</summary>
internal sealed class Chat
{
    public const string Help = "Commands: /friends, /add NAME, /accept NAME, /to NAME (then type to chat), /history, /quit";

    private readonly SocialClient _client;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private UserProfile? _peer;

    public Chat(SocialClient client, string myUserId)
    {
        _client = client;
        _names[myUserId] = "me";
    }

    /// <summary>Runs one line: a command, or a message to the current peer. False to quit.</summary>
    public async Task<bool> RunAsync(string line, SocialConnection live)
    {
        var (command, argument) = line.Split(' ', 2) is [var first, var rest] ? (first, rest.Trim()) : (line.Trim(), "");
        switch (command)
        {
            case "/quit":
                return false;
            case "/friends":
                await ListFriendsAsync();
                break;
            case "/add":
                var status = await _client.Friends.RequestAsync((await FindAsync(argument)).UserId);
                Console.WriteLine($"Request to {argument}: {status.Status}");
                break;
            case "/accept":
                await _client.Friends.AcceptAsync((await FindAsync(argument)).UserId);
                Console.WriteLine($"You and {argument} are friends.");
                break;
            case "/to":
                _peer = await FindAsync(argument);
                Console.WriteLine($"Chatting with {_peer.Username}.");
                break;
            case "/history" when _peer is not null:
                var conversationId = await _client.Messages.GetConversationIdAsync(_peer.UserId);
                foreach (var message in (await _client.Messages.GetHistoryAsync(conversationId, limit: 20)).Items)
                {
                    Console.WriteLine(Format(message));
                }

                break;
            case "" or "/history":
                break;
            case var _ when command.StartsWith('/'):
                Console.WriteLine(Help);
                break;
            default:
                if (_peer is null)
                {
                    Console.WriteLine("Pick someone first: /to NAME");
                    break;
                }

                // The outbox keeps it (and its order) through disconnects until the server stored it.
                _ = live.SendAsync(_peer.UserId, line).ContinueWith(
                    sent => Console.WriteLine($"! not sent: {sent.Exception?.GetBaseException().Message}"),
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default);
                break;
        }

        return true;
    }

    public async Task ListFriendsAsync()
    {
        Console.WriteLine("Friends:");
        await foreach (var friend in _client.Friends.ListAllAsync())
        {
            _names[friend.UserId] = friend.Username;
            Console.WriteLine($"  {friend.Username} ({friend.DisplayName})");
        }

        await foreach (var pending in _client.Friends.ListAllAsync(FriendStatuses.Pending))
        {
            Console.WriteLine($"  {pending.Username}: request {pending.Direction}");
        }
    }

    public void Show(SocialEvent socialEvent)
    {
        switch (socialEvent)
        {
            case NewMessageEvent { Message: var message }:
                Console.WriteLine(Format(message));
                break;
            case FriendRequestEvent { Request: var request }:
                _names[request.FromUserId] = request.Username;
                Console.WriteLine($"* {request.Username} wants to be friends: /accept {request.Username}");
                break;
            case FriendAcceptedEvent { Friend: var friend }:
                _names[friend.UserId] = friend.Username;
                Console.WriteLine($"* You and {friend.Username} are friends.");
                break;
            case TypingEvent { Typing: var typing } when typing.UserId == _peer?.UserId:
                Console.WriteLine($"* {_peer.Username} is typing…");
                break;
            case RelationshipEvent relationship:
                Console.WriteLine($"* {relationship.Kind}: {NameOf(relationship.UserId)}");
                break;
        }
    }

    private async Task<UserProfile> FindAsync(string username)
    {
        var found = (await _client.Users.SearchAsync(username)).Items.FirstOrDefault(user => string.Equals(user.Username, username, StringComparison.OrdinalIgnoreCase))
            ?? throw new SocialApiException(404, ErrorCodes.UserNotFound, $"No user called {username}.");
        _names[found.UserId] = found.Username;
        return found;
    }

    private string Format(Message message) => $"{message.CreatedAt.ToLocalTime():HH:mm} {NameOf(message.SenderId)}: {message.Content}";

    private string NameOf(string userId) => _names.GetValueOrDefault(userId) ?? userId[..Math.Min(8, userId.Length)];
}
