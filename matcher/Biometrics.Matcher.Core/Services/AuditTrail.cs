using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Hands decisions to the store's audit stream without holding up the answer: the append is pipelined and its failure
/// (store down) is logged, at most once per second, never thrown. Audit records carry who, what, when, decision, score,
/// model_id, pseudonym and the caller's request id; never a vector or an image. Thread-safe.
/// </summary>
public sealed partial class AuditTrail
{
    private readonly ITemplateStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _lastFailureLog;
    private long _failures;

    /// <summary>Creates the trail.</summary>
    public AuditTrail(ITemplateStore store, ILogger<AuditTrail> logger, TimeProvider? time = null)
    {
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Audit appends that failed so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Queues one record; <paramref name="requestId"/> is the caller's correlation id, when it sent one.</summary>
    public void Record(string actor, string action, string decision, float? score, string? modelId, string transactionId, string? subjectKey, string? requestId = null)
    {
        var record = new AuditRecord(actor, action, _time.GetUtcNow(), decision, score, string.IsNullOrEmpty(modelId) ? null : modelId, transactionId, subjectKey,
            string.IsNullOrEmpty(requestId) ? null : requestId);
        Task task;
        try
        {
            task = _store.AppendAuditAsync(record);
        }
        catch (Exception ex)
        {
            OnFailure(ex);
            return;
        }

        if (task.IsCompletedSuccessfully) return;
        _ = task.ContinueWith(static (t, s) => ((AuditTrail)s!).OnFailure(t.Exception!.GetBaseException()), this,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnFailure(Exception ex)
    {
        Interlocked.Increment(ref _failures);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLog);
        if (now - last >= 1000 && Interlocked.CompareExchange(ref _lastFailureLog, now, last) == last)
        {
            LogAuditFailed(_logger, ex.Message, Failures);
        }
    }

    [LoggerMessage(EventId = 521, Level = LogLevel.Error, Message = "Audit append failed ({Detail}); {Failures} failed so far")]
    private static partial void LogAuditFailed(ILogger logger, string detail, long failures);
}
