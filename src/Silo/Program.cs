using Social.Grains.Hosting;
using Social.Silo.Hosting;
using Social.Storage;
using Social.Storage.Messages;

// A Social silo process. With ConnectionStrings__Social set it joins the cluster through the
// PostgreSQL membership table; without it, it is a lone localhost silo with in-memory storage.
// In a Kubernetes pod set up by deploy/k8s it also uses Orleans' Kubernetes hosting.
var builder = Host.CreateApplicationBuilder(args);

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

builder.Build().Run();
