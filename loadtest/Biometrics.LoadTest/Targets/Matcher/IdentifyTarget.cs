using Biometrics.LoadTest.Engine;
using Biometrics.Protos.V1;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Matcher.Identify (1:N) against a named gallery of seeded subjects: genuine probes of subjects
/// 0..galleryOffset+gallerySize (share <c>genuine</c>) or impostors. Verdict label: <c>CANDIDATE</c> when the top
/// candidate scores at or above the gallery threshold the matcher reports, else <c>NO_MATCH</c>. Thread-safe.
/// </summary>
public sealed class IdentifyTarget(MatcherClient client, string gallery, long galleryOffset, long gallerySize, int topK, double genuineShare, int pool = 4096) : ILoadTarget
{
    private IdentifyRequest[] _requests = [];

    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Matcher/Identify (gallery '{gallery}' of {gallerySize:N0}, top {topK}, {genuineShare:P0} genuine)";

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _requests = new IdentifyRequest[pool];
        for (var i = 0; i < pool; i++)
        {
            var subject = galleryOffset + (long)(MatcherStep.Uniform(i, client.Faces.Seed + 2) * gallerySize);
            var genuine = MatcherStep.Uniform(i, client.Faces.Seed + 3) < genuineShare;
            _requests[i] = new IdentifyRequest { Probe = client.Probe(subject, genuine, i), Gallery = gallery, TopK = topK };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        => MatcherStep.Run(async () =>
        {
            var response = await client.Invoker.AsyncUnaryCall(MatcherClient.Identify, null, client.Options(cancellationToken), _requests[context.Sequence % _requests.Length]).ResponseAsync.ConfigureAwait(false);
            var hit = response.Candidates.Count > 0 && response.Candidates[0].Score >= response.Threshold;
            return StepResult.Ok(hit ? "CANDIDATE" : "NO_MATCH");
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
