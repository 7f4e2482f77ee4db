using Social.Grains.Hosting;
using Social.Storage;
using Social.Storage.Messages;

// A Social silo process. With ConnectionStrings__Social set it joins the cluster through the
// PostgreSQL membership table; without it, it is a lone localhost silo with in-memory storage.
var builder = Host.CreateApplicationBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Social");
builder.Services.AddSocialStorage(connectionString);
builder.Services.AddSocialMessageStore(connectionString);
builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));

builder.Build().Run();
