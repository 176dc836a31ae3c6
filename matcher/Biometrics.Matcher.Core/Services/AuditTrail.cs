using System.Diagnostics;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Hands decisions to the store's audit stream without holding up the answer. One append is in flight at a time: a
/// record made while none is goes to the store at once; records made meanwhile wait in a bounded queue and go together
/// in the next append, one round trip for all of them, appends in a row at least <see cref="AppendSpacing"/> apart
/// (docs/MATCHER.md, "Verify, step by step"). A record that finds the queue full is dropped; dropped records and failed
/// appends (store down) are counted and logged, at most once per second, never thrown. Disposing waits, at most 5 s,
/// until the queue is written. Audit records carry who, what, when, decision, score, model_id, pseudonym and the
/// caller's request id; never a vector or an image. Thread-safe.
/// </summary>
public sealed partial class AuditTrail : IAsyncDisposable
{
    /// <summary>Records waiting while an append is in flight, at most (about 2.5 s of Verify at 20,000/s).</summary>
    public const int MaxQueued = 50_000;

    /// <summary>Time between the starts of two appends in a row, at least.</summary>
    public static readonly TimeSpan AppendSpacing = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan s_disposeWait = TimeSpan.FromSeconds(5);
    private static readonly InvalidOperationException s_queueFull = new("the audit queue is full; record dropped");

    private readonly ITemplateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private List<AuditRecord> _queued = [];
    private bool _appending;
    private TaskCompletionSource? _drained;
    private long _lastFailureLog;
    private long _failures;

    /// <summary>Creates the trail.</summary>
    public AuditTrail(ITemplateStore store, ILogger<AuditTrail> logger, TimeProvider? time = null)
    {
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Audit records not written so far: appends that failed and records dropped at a full queue.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Queues one record; <paramref name="requestId"/> is the caller's correlation id, when it sent one.</summary>
    public void Record(string actor, string action, string decision, float? score, string? modelId, string transactionId, string? subjectKey, string? requestId = null)
    {
        var record = new AuditRecord(actor, action, _time.GetUtcNow(), decision, score, string.IsNullOrEmpty(modelId) ? null : modelId, transactionId, subjectKey,
            string.IsNullOrEmpty(requestId) ? null : requestId);
        lock (_gate)
        {
            if (!_appending)
            {
                _appending = true;
            }
            else if (_queued.Count < MaxQueued)
            {
                _queued.Add(record);
                return;
            }
            else
            {
                record = null;
            }
        }

        if (record is null)
        {
            OnFailure(s_queueFull, 1);
            return;
        }

        _ = AppendAsync([record]);
    }

    /// <summary>Waits, at most 5 s, until the records queued so far are written or have failed.</summary>
    public async ValueTask DisposeAsync()
    {
        Task drained;
        lock (_gate)
        {
            if (!_appending) return;
            drained = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        try
        {
            await drained.WaitAsync(s_disposeWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            int left;
            lock (_gate) left = _queued.Count;
            LogAuditUnwritten(_logger, left);
        }
    }

    // Appends the records, then whatever queued meanwhile (all of it: a batch grows with the round trip, so the trail keeps
    // up when Redis is slow to answer), until the queue is empty; never throws. Appends that follow
    // one another start AppendSpacing apart: with appendfsync always Redis syncs its file once per append, and every
    // command that arrived with it waits for that (docs/PERFORMANCE.md, "Verify at peak").
    private async Task AppendAsync(List<AuditRecord> records)
    {
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _store.AppendAuditAsync(records).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                OnFailure(ex, records.Count);
            }

            if (Idle()) return;
            var wait = AppendSpacing - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero) await Task.Delay(wait).ConfigureAwait(false); // real time: the spacing is for Redis
            lock (_gate) (records, _queued) = (_queued, []);
            // The queued records are other calls': their append is no part of the trace of the call that started this loop.
            Activity.Current = null;
        }
    }

    // True (and the trail idle) when nothing queued meanwhile.
    private bool Idle()
    {
        TaskCompletionSource? drained;
        lock (_gate)
        {
            if (_queued.Count > 0) return false;
            _appending = false;
            (drained, _drained) = (_drained, null);
        }

        drained?.TrySetResult();
        return true;
    }

    private void OnFailure(Exception ex, int records)
    {
        var failures = Interlocked.Add(ref _failures, records);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLog);
        if (now - last >= 1000 && Interlocked.CompareExchange(ref _lastFailureLog, now, last) == last)
        {
            LogAuditFailed(_logger, ex.Message, failures);
        }
    }

    [LoggerMessage(EventId = 521, Level = LogLevel.Error, Message = "Audit append failed ({Detail}); {Failures} failed so far")]
    private static partial void LogAuditFailed(ILogger logger, string detail, long failures);

    [LoggerMessage(EventId = 522, Level = LogLevel.Error, Message = "Audit trail stopped with {Records} records not yet written to the store")]
    private static partial void LogAuditUnwritten(ILogger logger, int records);
}
