using Social.WebFront.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSocialServer();

var app = builder.Build();
app.UseSocialServer();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
