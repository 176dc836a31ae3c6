using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>The models this matcher accepts and their calibrated thresholds. A model_id is known when it has calibrated
/// thresholds or is the model of the local face pipeline (the latter without thresholds gives REFER, never ACCEPT).
/// Immutable and thread-safe.</summary>
public sealed class ModelCatalog
{
    private readonly HashSet<string> _known;

    /// <summary>Creates the catalogue.</summary>
    /// <param name="thresholds">Calibrated thresholds (from <c>calibration.json</c>).</param>
    /// <param name="pipelineModelId">The local pipeline's model_id, or null when image input is disabled.</param>
    public ModelCatalog(Thresholds thresholds, string? pipelineModelId)
    {
        Thresholds = thresholds ?? throw new ArgumentNullException(nameof(thresholds));
        PipelineModelId = pipelineModelId;
        _known = new HashSet<string>(thresholds.Models.Select(m => m.ModelId), StringComparer.Ordinal);
        if (pipelineModelId is not null) _known.Add(pipelineModelId);
    }

    /// <summary>The calibrated thresholds.</summary>
    public Thresholds Thresholds { get; }

    /// <summary>The local pipeline's model, or null.</summary>
    public string? PipelineModelId { get; }

    /// <summary>Every accepted model_id, sorted.</summary>
    public IReadOnlyList<string> KnownModels => [.. _known.Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="modelId"/> is accepted.</summary>
    public bool IsKnown(string modelId) => _known.Contains(modelId);

    /// <summary>Verify threshold (cosine; score &gt;= threshold is a match at the calibrated FMR), NaN when uncalibrated.</summary>
    public float VerifyThreshold(string modelId) => Thresholds.TryGet(modelId, out var t) ? t.VerifyThreshold : float.NaN;

    /// <summary>Watchlist threshold (cosine; a 1:N score &gt;= threshold is a hit), NaN when uncalibrated.</summary>
    public float WatchlistThreshold(string modelId) => Thresholds.TryGet(modelId, out var t) ? t.WatchlistThreshold : float.NaN;
}
