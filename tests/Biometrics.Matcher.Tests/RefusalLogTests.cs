using Biometrics.Matcher.Grpc;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Tests;

/// <summary>Issue 12: one warning per refused call (6,836 lines in seconds of unauthenticated load).</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public void Refused_ManyInOneInterval_FirstLoggedThenOneSummaryPerReason()
    {
        var logger = new ListLogger<RefusalLog>();
        using var log = new RefusalLog(logger, interval: TimeSpan.FromHours(1));
        for (var i = 0; i < 6836; i++) log.Refused(i % 4 == 0 ? "bad_token" : "missing_token", "/biometrics.v1.Matcher/Verify", "127.0.0.1:1234", "no bearer token");
        Assert.Single(logger.Messages);
        Assert.StartsWith("Refused /biometrics.v1.Matcher/Verify from 127.0.0.1:1234: no bearer token (bad_token)", logger.Messages[0], StringComparison.Ordinal);

        log.Flush();
        Assert.Equal(2, logger.Messages.Count);
        Assert.Equal("Refused 6835 more calls in the last 3600 s: missing_token 5127, bad_token 1708 (6836 since start)", logger.Messages[1]);
        Assert.Equal(6836, log.Total);

        log.Flush(); // nothing counted since: no summary
        log.Refused("role", "/biometrics.v1.Enrolment/Enrol", "127.0.0.1:1", "role gate"); // a new interval starts in full
        Assert.Equal(3, logger.Messages.Count);
        Assert.Contains("(role)", logger.Messages[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_IntervalEnds_SummaryLoggedByTheTimer()
    {
        var logger = new ListLogger<RefusalLog>();
        using var log = new RefusalLog(logger, interval: TimeSpan.FromMilliseconds(100));
        log.Refused("missing_token", "/m", "p", "no bearer token");
        log.Refused("missing_token", "/m", "p", "no bearer token");
        for (var until = DateTime.UtcNow.AddSeconds(10); logger.Messages.Count < 2 && DateTime.UtcNow < until;) await Task.Delay(20);
        Assert.Equal(2, logger.Messages.Count);
        Assert.StartsWith("Refused 1 more calls", logger.Messages[1], StringComparison.Ordinal);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages) return [.. _messages];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
