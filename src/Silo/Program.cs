using Social.Grains.Hosting;
using Social.Storage;

// A Social silo process. With ConnectionStrings__Social set it joins the cluster through the
// PostgreSQL membership table; without it, it is a lone localhost silo with in-memory storage.
var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddSocialStorage(builder.Configuration.GetConnectionString("Social"));
builder.UseOrleans(silo => silo.AddSocialSilo(builder.Configuration));

builder.Build().Run();
