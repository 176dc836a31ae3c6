using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Keeps every log entry of a replica (category, level, message, exception) for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>One captured entry.</summary>
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    /// <summary>Everything logged so far.</summary>
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
