using System.Runtime.CompilerServices;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Http2;
using Biometrics.Protos.V1;
using Google.Protobuf;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Matcher.Identify (1:N) against a named gallery of seeded subjects: genuine probes of subjects
/// 0..galleryOffset+gallerySize (share <c>genuine</c>) or impostors, serialised once into a pool at start-up. Verdict
/// label: <c>CANDIDATE</c> when the top candidate scores at or above the gallery threshold the matcher reports, else
/// <c>NO_MATCH</c>. Thread-safe.
/// </summary>
public sealed class IdentifyTarget(MatcherClient client, string gallery, long galleryOffset, long gallerySize, int topK, double genuineShare, int pool = 4096) : ILoadTarget
{
    private byte[][] _requests = [];

    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Matcher/Identify (gallery '{gallery}' of {gallerySize:N0}, top {topK}, {genuineShare:P0} genuine)";

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _requests = new byte[pool][];
        for (var i = 0; i < pool; i++)
        {
            var subject = galleryOffset + (long)(MatcherStep.Uniform(i, client.Faces.Seed + 2) * gallerySize);
            var genuine = MatcherStep.Uniform(i, client.Faces.Seed + 3) < genuineShare;
            _requests[i] = new IdentifyRequest { Probe = client.Probe(subject, genuine, i), Gallery = gallery, TopK = topK }.ToByteArray();
        }

        await client.ConnectLeanAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var result = await client.UnaryAsync(MatcherClient.Identify, _requests[context.Sequence % _requests.Length], IdentifyResponse.Parser, cancellationToken).ConfigureAwait(false);
        if (result.Response is not { } response)
        {
            return StepResult.Fail(result.Label);
        }

        var hit = response.Candidates.Count > 0 && response.Candidates[0].Score >= response.Threshold;
        // search_ms is the matcher's own figure for the 1:N search (queueing for a batch included).
        return new StepResult(true, "OK", hit ? "CANDIDATE" : "NO_MATCH", ServerNanoseconds: MatcherStep.Nanoseconds(response.SearchMs));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
