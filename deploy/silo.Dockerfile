# A Social silo (src/Silo). Build from the repository root:
#   docker build -f deploy/silo.Dockerfile -t social-silo .
# Configuration is environment variables; see docs/deployment.md.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# ReadyToRun: precompiled code, so a fresh container under immediate load JITs far less
# (BENCHMARKS.md, "Cold start and ReadyToRun").
RUN dotnet publish src/Silo/Silo.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --nologo

# The ASP.NET Core runtime: the silo serves /metrics and the dashboard (and Storage uses ASP.NET Core).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_ENVIRONMENT=Production \
    Social__Cluster__SiloPort=11111 \
    Social__Cluster__GatewayPort=30000 \
    Social__Telemetry__SiloHttpPort=9464
EXPOSE 11111 30000 9464
USER $APP_UID
ENTRYPOINT ["dotnet", "Social.Silo.dll"]
