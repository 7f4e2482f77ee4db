using Microsoft.AspNetCore.Builder;
using Social.Grains.Hosting;
using Social.Silo.Hosting;
using Social.Storage;
using Social.Storage.Messages;

// A Social silo process. With ConnectionStrings__Social set it joins the cluster through the
// PostgreSQL membership table; without it, it is a lone localhost silo with in-memory storage.
// In a Kubernetes pod set up by deploy/k8s it also uses Orleans' Kubernetes hosting. Its HTTP
// port serves /metrics and, with an admin key, the Orleans Dashboard (SiloHttp).
var builder = WebApplication.CreateSlimBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Social");
builder.Services.AddSocialStorage(connectionString);
builder.Services.AddSocialMessageStore(connectionString);
builder.UseOrleans(silo =>
{
    silo.AddSocialSilo(builder.Configuration);
    if (KubernetesHosting.IsEnabled())
    {
        silo.UseSocialKubernetesHosting();
    }
});
builder.Services.AddHostedService<SiloAnnouncer>();
builder.AddSocialSiloHttp();

var app = builder.Build();
app.MapSocialSiloHttp();
app.Run();
