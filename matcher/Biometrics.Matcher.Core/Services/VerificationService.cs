using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Biometrics.Matcher.Policy;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Services;

/// <summary>
/// 1:1 verification (docs/MATCHER.md, "Verify, step by step"): resolves the probe and the claim concurrently, screens the probe against the
/// watchlist in parallel, compares with <see cref="FaceComparer"/> and decides with <see cref="DecisionPolicy"/> (the table gate
/// sessions use too; a model mismatch is REFER <c>model_mismatch</c>, as there); writes an audit
/// record. The answer comes within the caller's deadline: when the store does not answer in time the verdict is REFER
/// (<c>store_unavailable</c>), when the pipeline does not finish in time it is REFER (<c>budget_exhausted</c>); never an
/// ACCEPT without a score at or above a calibrated threshold. Thread-safe.
/// </summary>
public sealed partial class VerificationService
{
    private readonly FaceResolver _faces;
    private readonly ClaimResolver _claims;
    private readonly WatchlistScreener _watchlist;
    private readonly ModelCatalog _models;
    private readonly DecisionPolicy _policy;
    private readonly AuditTrail _audit;
    private readonly MatchingOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public VerificationService(FaceResolver faces, ClaimResolver claims, WatchlistScreener watchlist, ModelCatalog models,
        DecisionPolicy policy, AuditTrail audit, MatchingOptions options, ILogger<VerificationService> logger)
    {
        _faces = faces;
        _claims = claims;
        _watchlist = watchlist;
        _models = models;
        _policy = policy;
        _audit = audit;
        _options = options;
        _logger = logger;
    }

    /// <summary>Verifies one probe against one claim.</summary>
    /// <param name="command">The request.</param>
    /// <param name="deadline">The caller's deadline (UTC; <see cref="DateTime.MaxValue"/> for none: the configured default applies).</param>
    /// <param name="cancellationToken">The call's cancellation.</param>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (a malformed probe or claim), NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED as described on the wire contract.</exception>
    public async Task<VerificationResult> VerifyAsync(VerifyCommand command, DateTime deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var start = Stopwatch.GetTimestamp();
        var budget = Budget(deadline);
        var transactionId = TransactionIds.Next();

        // Probe and claim run concurrently; the watchlist starts as soon as the probe vector exists. The budget's own
        // timer is only for what waits on the pipeline or the watchlist: an embedding probe resolves at once, and the
        // claim fetch is bounded by the budget itself (one timer fewer per call; docs/PERFORMANCE.md, "Verify at peak").
        using var cts = command.Probe.IsImage || !command.SkipWatchlist ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        cts?.CancelAfter(budget);
        var token = cts?.Token ?? cancellationToken;
        var probeTask = ResolveProbeAsync(command.Probe, token);
        if (probeTask.IsFaulted)
        {
            await probeTask.ConfigureAwait(false); // a malformed probe fails before the claim (and its QR nonce) is touched
        }

        // An embedding probe is ready at once: the claimed template is then scored where the store decrypts it, nothing
        // of it materialised (docs/PERFORMANCE.md, "Verify at peak"); an image probe's claim is fetched while the
        // pipeline runs and compared after.
        var ready = probeTask.IsCompletedSuccessfully ? probeTask.Result : null;
        var scoredTask = ready is not null ? _claims.ScoreAsync(command.Claim, ready, budget, cancellationToken) : null;
        var claimTask = ready is null ? _claims.ResolveAsync(command.Claim, budget, cancellationToken) : null;
        FaceVector? probe = null;
        ScoredClaim? claim = null;
        var compareMs = 0.0;
        string? unavailable = null;
        var budgetGone = false;
        double pipelineMs = 0, watchlistMs = 0;
        IReadOnlyList<WatchlistHit> hits = [];
        Task<IReadOnlyList<WatchlistHit>>? watchTask = null;
        var watchStart = 0L;
        try
        {
            probe = await probeTask.ConfigureAwait(false);
            pipelineMs = probe?.PipelineMs ?? 0;
            if (probe is not null && !command.SkipWatchlist)
            {
                watchStart = Stopwatch.GetTimestamp();
                watchTask = _watchlist.ScreenAsync(probe, token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            budgetGone = true; // the pipeline ran out of the budget
        }
        finally
        {
            if (probe is null) _ = ((Task?)scoredTask ?? claimTask!).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observe
        }

        try
        {
            if (scoredTask is not null)
            {
                claim = await scoredTask.ConfigureAwait(false);
            }
            else
            {
                var resolved = await claimTask!.ConfigureAwait(false);
                var compareStart = Stopwatch.GetTimestamp();
                var compared = probe is null ? Comparison.None : FaceComparer.Compare(probe, resolved.Reference);
                compareMs = Stopwatch.GetElapsedTime(compareStart).TotalMilliseconds;
                claim = new ScoredClaim(compared, resolved.Reference.ModelId, resolved.SubjectKey, resolved.ClaimMs);
            }
        }
        catch (StoreUnavailableException ex)
        {
            unavailable ??= ReasonCodes.StoreUnavailable;
            LogStoreUnavailable(_logger, transactionId, ex.Message);
        }

        if (watchTask is not null)
        {
            try
            {
                hits = await watchTask.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                unavailable ??= ReasonCodes.DependencyUnavailable;
            }

            watchlistMs = Stopwatch.GetElapsedTime(watchStart).TotalMilliseconds;
        }

        // Decide once: the budget is what is left now, or none when the pipeline ran out of it.
        var comparison = probe is not null && claim is not null ? claim.Comparison : Comparison.None;
        var modelId = probe?.ModelId ?? claim?.ModelId ?? string.Empty;

        var policyStart = Stopwatch.GetTimestamp();
        var left = budgetGone ? TimeSpan.Zero : budget - Stopwatch.GetElapsedTime(start);
        var threshold = modelId.Length == 0 ? float.NaN : _models.VerifyThreshold(modelId);
        var verdict = _policy.Decide(new DecisionInput(probe?.Quality ?? ProbeQuality.Unmeasured, comparison.Score, threshold, hits, left, unavailable, comparison.ModelMismatch));
        _audit.Record(command.Actor, "Verify", DecisionNames.Of(verdict.Decision), verdict.Score, modelId, transactionId, claim?.SubjectKey, command.RequestId);
        var policyMs = Stopwatch.GetElapsedTime(policyStart).TotalMilliseconds;
        // A rented probe array goes back only when every task given the probe has finished: none was left behind by a
        // timeout (store, watchlist) or by an exception on the way here (docs/PERFORMANCE.md, "Verify at peak").
        if (command.Probe.Pooled && unavailable is null && !budgetGone && MemoryMarshal.TryGetArray(command.Probe.Values, out var rented))
        {
            ArrayPool<float>.Shared.Return(rented.Array!);
        }

        var times = new StageTimes(claim?.ClaimMs ?? 0, pipelineMs, compareMs, watchlistMs, policyMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return new VerificationResult(verdict, modelId, transactionId, times);
    }

    /// <summary>Time available for a call with <paramref name="deadline"/> (minus the reserve for writing the answer).</summary>
    public TimeSpan Budget(DateTime deadline)
    {
        var fallback = TimeSpan.FromMilliseconds(_options.DefaultVerifyDeadlineMs);
        var available = deadline == DateTime.MaxValue ? fallback : deadline - DateTime.UtcNow;
        if (available > fallback * 30) available = fallback * 30;
        available -= TimeSpan.FromMilliseconds(_options.DeadlineReserveMs);
        return available > TimeSpan.FromMilliseconds(1) ? available : TimeSpan.FromMilliseconds(1);
    }

    private async Task<FaceVector?> ResolveProbeAsync(FaceInput probe, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var v = await _faces.ResolveAsync(probe, "probe", cancellationToken).ConfigureAwait(false);
        return v is null || !probe.IsImage ? v : v with { PipelineMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds };
    }

    [LoggerMessage(EventId = 531, Level = LogLevel.Warning, Message = "Verify {TransactionId}: template store unavailable ({Detail}); answering REFER")]
    private static partial void LogStoreUnavailable(ILogger logger, string transactionId, string detail);
}
