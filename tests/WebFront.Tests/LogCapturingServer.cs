using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Social.WebFront.Tests;

/// <summary>One logged entry, as a logger provider saw it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>
/// The real server on Kestrel with every category logging from Information (as an operator who
/// turns request logging on would have it) into a list the test can read.
/// </summary>
public class LogCapturingServer : SocialApiFactory
{
    private readonly LogSink _sink = new();

    public LogCapturingServer()
        : this(connectionString: null, settings: null)
    {
    }

    /// <summary>The same on PostgreSQL when <paramref name="connectionString"/> is given, with <paramref name="settings"/> on top.</summary>
    /// <remarks>Protected: a collection fixture may have only one public constructor.</remarks>
    protected LogCapturingServer(string? connectionString, IReadOnlyDictionary<string, string?>? settings)
        : base(connectionString, settings: new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",

            // One send in flight per front, so a test can see how a shed send is logged.
            ["Social:Overload:MaxConcurrentSends"] = "1",
            ["Social:RateLimits:MessagesPerSecond"] = "100000",
            ["Social:RateLimits:MessageBurst"] = "100000",
        })
    {
        StartKestrel();
    }

    public IReadOnlyCollection<LogEntry> Entries => _sink.Entries;

    public HttpClient CreateLoopbackClient() => CreateHttpClient();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_sink));
    }

    private sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LogCapturingServerDefinition : ICollectionFixture<LogCapturingServer>
{
    public const string Name = "logs";
}
