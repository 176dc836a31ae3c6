using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Logs refused calls (no token, bad token, wrong role) without flooding the log under unauthenticated load: the first
/// refusal after a quiet period is logged in full (method, peer, why); the refusals that follow within
/// <see cref="Interval"/> are only counted, and one summary line at the end of the interval gives their number per
/// reason. Every refusal is counted in <see cref="Total"/>. Singleton, thread-safe.
/// </summary>
public sealed partial class RefusalLog : IDisposable
{
    /// <summary>The default summary interval.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private ITimer? _timer;
    private bool _windowOpen;
    private long _total;

    /// <summary>Creates the log.</summary>
    public RefusalLog(ILogger<RefusalLog> logger, TimeProvider? time = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Interval = interval ?? DefaultInterval;
    }

    /// <summary>How long refusals after a logged one are only counted.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Calls refused since start.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Records one refused call: <paramref name="reason"/> is the wire reason (<c>missing_token</c>,
    /// <c>bad_token</c>, <c>role</c>), <paramref name="why"/> a short sanitised explanation.</summary>
    public void Refused(string reason, string? method, string peer, string why)
    {
        Interlocked.Increment(ref _total);
        lock (_lock)
        {
            if (_windowOpen)
            {
                _counts[reason] = _counts.GetValueOrDefault(reason) + 1;
                return;
            }

            _windowOpen = true;
            _timer ??= _time.CreateTimer(static s => ((RefusalLog)s!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(Interval, Timeout.InfiniteTimeSpan);
        }

        LogRefused(_logger, method, peer, why, reason);
    }

    /// <summary>Ends the current interval: logs the summary of the refusals counted in it, if any.</summary>
    internal void Flush()
    {
        string? summary = null;
        long count = 0;
        lock (_lock)
        {
            _windowOpen = false;
            if (_counts.Count > 0)
            {
                count = _counts.Values.Sum();
                summary = string.Join(", ", _counts.OrderByDescending(kv => kv.Value).Select(kv => kv.Key + " " + kv.Value.ToString(CultureInfo.InvariantCulture)));
                _counts.Clear();
            }
        }

        if (summary is not null) LogSummary(_logger, count, Interval.TotalSeconds, summary, Total);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Flush();
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Why} ({Reason}); further refusals are counted, not logged one by one")]
    private static partial void LogRefused(ILogger logger, string? method, string peer, string why, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Refused {Count} more calls in the last {Seconds} s: {ByReason} ({Total} since start)")]
    private static partial void LogSummary(ILogger logger, long count, double seconds, string byReason, long total);
}
