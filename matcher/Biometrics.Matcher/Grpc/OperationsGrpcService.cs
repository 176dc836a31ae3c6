using System.Diagnostics;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OperationsApi = Biometrics.Protos.V1.Operations;

namespace Biometrics.Matcher.Grpc;

/// <summary><c>biometrics.v1.Operations</c>: models, gallery sizes, thresholds and quality limits in force, store health.
/// Singleton, thread-safe.</summary>
public sealed class OperationsGrpcService(ModelCatalog models, GalleryRegistry galleries, IOptions<MatchingOptions> matching,
    ITemplateStore store, IFaceEmbedder? embedder = null) : OperationsApi.OperationsBase
{
    private static readonly long s_started = Stopwatch.GetTimestamp();
    private readonly Lazy<ModelInfo?> _pipelineModel = new(() => Describe(embedder));

    /// <summary>What this replica runs with.</summary>
    [Authorize(Policy = MatcherPolicies.Read)]
    public override async Task<MatcherStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var status = new MatcherStatus
        {
            Version = typeof(OperationsGrpcService).Assembly.GetName().Version?.ToString() ?? "",
            UptimeS = (long)Stopwatch.GetElapsedTime(s_started).TotalSeconds,
            StreamPosition = galleries.Position.Id,
        };
        if (_pipelineModel.Value is { } pm) status.Models.Add(pm);
        foreach (var (name, modelId, count) in galleries.Describe())
        {
            status.Galleries.Add(new GallerySize { Name = name, ModelId = modelId, Templates = count });
        }

        foreach (var m in models.Thresholds.Models)
        {
            status.Thresholds.Add(new ThresholdInfo
            {
                ModelId = m.ModelId,
                VerifyThreshold = m.VerifyThreshold,
                VerifyFmr = m.Verify.TargetFmr,
                WatchlistThreshold = m.WatchlistThreshold,
                WatchlistFmr = m.Watchlist.TargetFmr,
                Source = $"{models.Thresholds.Source} ({m.Date})",
            });
        }

        var q = matching.Value.ProbeQuality;
        status.QualityLimits = new QualityLimitsInfo
        {
            MinInterEyePx = q.MinInterEyePx,
            MinSharpness = q.MinSharpness,
            MinBrightness = q.MinBrightness,
            MaxBrightness = q.MaxBrightness,
            MaxAbsYawDeg = q.MaxAbsYawDeg,
            MaxAbsPitchDeg = q.MaxAbsPitchDeg,
            MinLiveness = q.MinLiveness,
        };
        try
        {
            await store.GetGallerySizeAsync(matching.Value.DefaultGallery, context.CancellationToken).WaitAsync(TimeSpan.FromMilliseconds(500), context.CancellationToken).ConfigureAwait(false);
            status.StoreAvailable = true;
        }
        catch (Exception ex) when (store.Failed(ex, context.CancellationToken))
        {
            status.StoreAvailable = false;
        }

        return status;
    }

    private static ModelInfo? Describe(IFaceEmbedder? embedder) => embedder is null ? null : new ModelInfo
    {
        ModelId = embedder.ModelId,
        Dimension = 512,
        ExecutionProvider = embedder.ExecutionProvider,
        File = embedder.ModelFile,
        Sha256 = embedder.ModelSha256 ?? "",
    };
}
