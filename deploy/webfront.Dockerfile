# A Social front end (src/WebFront) as an Orleans client of separate silos. Build from the
# repository root:
#   docker build -f deploy/webfront.Dockerfile -t social-webfront .
# Configuration is environment variables; see docs/deployment.md.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The WebFront build copies the web client (web/) into wwwroot and needs npm for it.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
COPY web/ web/
# ReadyToRun: precompiled code, so a fresh container under immediate load JITs far less
# (BENCHMARKS.md, "Cold start and ReadyToRun").
RUN dotnet publish src/WebFront/WebFront.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    Social__Cluster__Mode=client
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Social.WebFront.dll"]
