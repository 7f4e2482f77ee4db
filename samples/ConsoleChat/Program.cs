// A terminal chat on Social.Client: sign up or in, list friends, chat live.
// Usage: dotnet run --project samples/ConsoleChat -- USERNAME PASSWORD [SERVER]
using Social.Client;
using Social.Samples.ConsoleChat;

if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: ConsoleChat USERNAME PASSWORD [SERVER (default http://127.0.0.1:5080/)]");
    return 2;
}

var (username, password) = (args[0], args[1]);
using var client = new SocialClient(new Uri(args.Length > 2 ? args[2] : "http://127.0.0.1:5080/"));
AuthResult me;
try
{
    me = await client.Auth.LoginAsync(username, password);
}
catch (SocialApiException e) when (e.Code == ErrorCodes.InvalidCredentials)
{
    me = await client.Auth.RegisterAsync(new RegisterRequest(username, password));
    Console.WriteLine($"Signed up as {username}.");
}

var chat = new Chat(client, me.UserId);
await using var live = client.Connect();
live.EventReceived += (_, e) => chat.Show(e);
live.StateChanged += (_, state) => Console.WriteLine($"[{state}]");
await live.StartAsync();
await chat.ListFriendsAsync();
Console.WriteLine(Chat.Help);

while (Console.ReadLine() is { } line)
{
    try
    {
        if (!await chat.RunAsync(line, live))
        {
            break;
        }
    }
    catch (SocialApiException e)
    {
        Console.WriteLine($"! {e.Code}: {e.Detail}");
    }
}

return 0;
