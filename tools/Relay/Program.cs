using Social.Relay;

// The floor for the push-path benchmarks: a stock SignalR hub with the same method and event
// as Social's (SendMessage → new_message to the recipient and the sender's other connections),
// with no authentication, grains or storage. tools/LoadTest starts it with `signalr --relay`.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR().AddMessagePackProtocol();

var app = builder.Build();
app.MapHub<RelayHub>("/hubs/messages");
app.MapGet("/health/ready", () => "ready");
app.Run();
