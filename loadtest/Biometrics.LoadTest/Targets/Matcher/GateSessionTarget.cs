using System.Diagnostics;
using System.Globalization;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Http2;
using Biometrics.Protos.V1;
using Google.Protobuf;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// One step = one traveller at an e-Channel: opens Matcher.GateSession (a bidirectional stream on the lean HTTP/2
/// client) for a random lane (so each lane sees a Poisson process when the scenario's arrivals are Poisson), claims a
/// seeded subject and sends probes as the edge agent does (docs/LOADTEST.md, "The lane model"): the first at once, each
/// further one only after the matcher's RETRY for the previous, on the next camera frame (<c>fps</c>) at least
/// <see cref="MinShotInterval"/> after the previous probe, at most <c>maxProbes</c> in all; at the final verdict it
/// half-closes the stream. So a lane never has more than one probe unanswered, and a matcher that falls behind slows
/// the lanes' probes instead of receiving more of them. The step's latency is from the traveller's scheduled arrival to
/// the final verdict; its verdict label is the decision (<c>NO_VERDICT</c> when the stream ends OK without one; the
/// status name when it fails); its message count is the open messages plus the probes sent, so the report's message
/// rate is the lanes' probe traffic. Each stream carries its budget plus 5 s as its deadline.
/// A session that its matcher could not finish (the stream could not start, was reset, or its connection was lost) is
/// opened again on another matcher (<c>--target</c>) with what is left of the lane's budget, at most once per matcher,
/// and counted (<see cref="SessionRecovery"/>). Thread-safe.
/// </summary>
public sealed class GateSessionTarget(MatcherClient client, long subjects, int lanes, double fps, int maxProbes, int budgetMs, double genuineShare, int pool = 2048) : ILoadTarget
{
    private const int ProbesPerTraveller = 4;

    /// <summary>The edge agent's least time between two shots of one traveller (its BestShotSelector, docs/EDGE.md).</summary>
    private static readonly TimeSpan MinShotInterval = TimeSpan.FromMilliseconds(150);

    /// <summary>The matcher's smallest budget_ms (docs/MATCHER.md): with less left, a session is not re-opened.</summary>
    private const int MinBudgetMs = 100;

    private (Claim Claim, byte[][] Probes)[] _travellers = [];

    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Matcher/GateSession ({lanes} lanes, {fps:0.#} frames/s, a probe per RETRY, at most {maxProbes} probes, budget {budgetMs} ms, {subjects:N0} subjects, {genuineShare:P0} genuine)";

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _travellers = new (Claim, byte[][])[pool];
        for (var i = 0; i < pool; i++)
        {
            var subject = (long)(MatcherStep.Uniform(i, client.Faces.Seed + 4) * subjects);
            var genuine = MatcherStep.Uniform(i, client.Faces.Seed + 5) < genuineShare;
            var probes = new byte[ProbesPerTraveller][];
            for (var p = 0; p < probes.Length; p++)
            {
                probes[p] = new GateSessionRequest { Probe = client.Probe(subject, genuine, (i * ProbesPerTraveller) + p) }.ToByteArray();
            }

            _travellers[i] = (new Claim { SubjectId = Data.SyntheticFaces.SubjectId(subject) }, probes);
        }

        await client.ConnectLeanAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var (claim, probes) = _travellers[context.Sequence % _travellers.Length];
        var lane = (int)(MatcherStep.Uniform(context.Sequence, client.Faces.Seed + 6) * lanes);
        var start = Stopwatch.GetTimestamp();
        var lean = client.Lean;
        var messages = 0;
        var probesSent = 0;
        var cut = false;
        var rerouted = false;
        for (var attempt = 0; ; attempt++)
        {
            var left = budgetMs - (int)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var open = new GateSessionRequest
            {
                Open = new GateSessionOpen
                {
                    GateId = "load",
                    LaneId = "lane-" + lane.ToString(CultureInfo.InvariantCulture),
                    Claim = claim,
                    BudgetMs = attempt == 0 ? budgetMs : left,
                    SessionId = "s" + context.Sequence.ToString(CultureInfo.InvariantCulture),
                },
            }.ToByteArray();
            var (verdict, status, started, sent) = await SessionOnceAsync(lean, open, probes, probesSent, attempt == 0 ? budgetMs : left, cancellationToken).ConfigureAwait(false);
            messages += sent;
            probesSent += Math.Max(0, sent - 1);
            if (verdict is not null)
            {
                var recovery = cut
                    ? Stopwatch.GetElapsedTime(start).TotalMilliseconds <= budgetMs ? SessionRecovery.ReopenedInTime : SessionRecovery.Lost
                    : rerouted ? SessionRecovery.Rerouted : SessionRecovery.None;
                return new StepResult(true, "OK", verdict, messages, Recovery: recovery);
            }

            cut |= started;
            rerouted |= !started;
            left = budgetMs - (int)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!MatcherMayHaveGone(status) || cancellationToken.IsCancellationRequested || attempt + 1 >= client.Matchers || left < MinBudgetMs)
            {
                var failed = (status == "OK" ? StepResult.Fail("NO_VERDICT") : StepResult.Fail(status)) with { Messages = messages };
                return MatcherMayHaveGone(status) && (cut || client.Matchers > 1) ? failed with { Recovery = SessionRecovery.Lost } : failed;
            }

            lean = client.LeanOtherThan(lean);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Statuses of a session its matcher did not finish because the matcher (or the way to it) went: no connection,
    /// connection lost, GOAWAY before the stream was processed (UNAVAILABLE), a stream reset (INTERNAL, CANCELLED by the
    /// server), or a stream that ended OK without a verdict.
    /// </summary>
    private static bool MatcherMayHaveGone(string status) => status is "UNAVAILABLE" or "INTERNAL" or "CANCELLED" or "UNKNOWN" or "NO_VERDICT" or "OK";

    /// <summary>One session on one matcher: the verdict, or the status the stream ended with, whether it started, and the messages sent.</summary>
    private async ValueTask<(string? Verdict, string Status, bool Started, int Sent)> SessionOnceAsync(Http2GrpcClient lean, byte[] open, byte[][] probes, int firstProbe, int budget,
        CancellationToken cancellationToken)
    {
        using var stream = await lean.OpenStreamAsync(lean.Method(MatcherClient.GateSession), TimeSpan.FromMilliseconds(budget + 5000), cancellationToken).ConfigureAwait(false);
        if (!stream.TryWrite(open))
        {
            while (await stream.MoveNextAsync().ConfigureAwait(false))
            {
            }

            return (null, stream.Label, stream.Started, 0);
        }

        // The first probe goes with the open message (the edge opens the session at the first usable face).
        var sent = 1;
        var next = firstProbe;
        var frame = TimeSpan.FromSeconds(1 / fps);
        var first = Stopwatch.GetTimestamp();
        var last = TimeSpan.Zero;
        if (next < maxProbes && stream.TryWrite(probes[next % probes.Length]))
        {
            next++;
            sent++;
        }

        string? verdict = null;
        while (await stream.MoveNextAsync().ConfigureAwait(false))
        {
            var update = GateSessionResponse.Parser.ParseFrom(stream.Current.Span);
            if (update.Final)
            {
                verdict = update.Verdict is { } v ? EnumLabel<Decision>.Of(v.Decision) : "FINAL";
                break;
            }

            // A RETRY: the lane's next shot is the next frame at least MinShotInterval after its last one (the edge agent
            // sends nothing further unasked while the face does not improve, which a steady synthetic face never does).
            if (next >= maxProbes)
            {
                continue;
            }

            var now = Stopwatch.GetElapsedTime(first);
            var due = last + MinShotInterval;
            var at = TimeSpan.FromTicks((Math.Max(now.Ticks, due.Ticks) + frame.Ticks - 1) / frame.Ticks * frame.Ticks);
            if (at > now)
            {
                await Task.Delay(at - now, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (!stream.TryWrite(probes[next % probes.Length]))
            {
                continue; // the call ended: the next read has the outcome
            }

            last = Stopwatch.GetElapsedTime(first);
            next++;
            sent++;
        }

        // The verdict came (or the call ended): half-close; the matcher then ends the call with OK, and the lean client
        // recycles the stream when its trailers arrive (after this step has ended).
        stream.CompleteRequests();
        return (verdict, verdict is null ? (stream.Status == 0 ? "NO_VERDICT" : stream.Label) : "OK", stream.Started, sent);
    }
}
