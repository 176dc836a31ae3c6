using Biometrics.LoadTest.Engine;
using Biometrics.Protos.V1;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Matcher.Verify (1:1): each step claims a seeded enrolled subject and sends a genuine probe (share
/// <c>genuine</c>) or an impostor one. Requests are built once into a pool at start-up so the hot path only
/// serialises. The verdict label is the decision (ACCEPT, REJECT, RETRY, REFER). Thread-safe.
/// </summary>
public sealed class VerifyTarget(MatcherClient client, long subjects, double genuineShare, bool skipWatchlist, int pool = 4096) : ILoadTarget
{
    private VerifyRequest[] _requests = [];

    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Matcher/Verify ({subjects:N0} subjects, {genuineShare:P0} genuine{(skipWatchlist ? ", no watchlist" : string.Empty)})";

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _requests = new VerifyRequest[pool];
        for (var i = 0; i < pool; i++)
        {
            var subject = (long)(MatcherStep.Uniform(i, client.Faces.Seed) * subjects);
            var genuine = MatcherStep.Uniform(i, client.Faces.Seed + 1) < genuineShare;
            _requests[i] = new VerifyRequest
            {
                Claim = new Claim { SubjectId = Data.SyntheticFaces.SubjectId(subject) },
                Probe = client.Probe(subject, genuine, i),
                GateId = "load",
                LaneId = "lane-" + (i % 700),
                SkipWatchlist = skipWatchlist,
            };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        => MatcherStep.Run(async () =>
        {
            var verdict = await client.Invoker.AsyncUnaryCall(MatcherClient.Verify, null, client.Options(cancellationToken), _requests[context.Sequence % _requests.Length]).ResponseAsync.ConfigureAwait(false);
            return StepResult.Ok(verdict.Decision.ToString().ToUpperInvariant());
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
