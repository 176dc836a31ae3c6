using System.Globalization;
using Biometrics.LoadTest.Engine;
using Biometrics.Protos.V1;
using Grpc.Core;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// One step = one traveller at an e-Channel: opens Matcher.GateSession for a random lane (so each lane sees a
/// Poisson process when the scenario's arrivals are Poisson), claims a seeded subject, then streams probes
/// at <c>fps</c> until the matcher sends the final verdict or <c>maxProbes</c> are sent. The step's latency is
/// from the traveller's scheduled arrival to the final verdict; its verdict label is the decision
/// (<c>NO_VERDICT</c> when the stream ends without one); its message count is the open message plus the probes
/// sent, so the report's message rate is the lanes' probe traffic. Thread-safe.
/// </summary>
public sealed class GateSessionTarget(MatcherClient client, long subjects, int lanes, double fps, int maxProbes, int budgetMs, double genuineShare, int pool = 2048) : ILoadTarget
{
    private const int ProbesPerTraveller = 4;
    private (Claim Claim, GateSessionRequest[] Probes)[] _travellers = [];

    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Matcher/GateSession ({lanes} lanes, {fps:0.#} probes/s, budget {budgetMs} ms, {subjects:N0} subjects, {genuineShare:P0} genuine)";

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _travellers = new (Claim, GateSessionRequest[])[pool];
        for (var i = 0; i < pool; i++)
        {
            var subject = (long)(MatcherStep.Uniform(i, client.Faces.Seed + 4) * subjects);
            var genuine = MatcherStep.Uniform(i, client.Faces.Seed + 5) < genuineShare;
            var probes = new GateSessionRequest[ProbesPerTraveller];
            for (var p = 0; p < probes.Length; p++)
            {
                probes[p] = new GateSessionRequest { Probe = client.Probe(subject, genuine, (i * ProbesPerTraveller) + p) };
            }

            _travellers[i] = (new Claim { SubjectId = Data.SyntheticFaces.SubjectId(subject) }, probes);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        => MatcherStep.Run(() => SessionAsync(context, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async ValueTask<StepResult> SessionAsync(StepContext context, CancellationToken cancellationToken)
    {
        var (claim, probes) = _travellers[context.Sequence % _travellers.Length];
        var lane = (int)(MatcherStep.Uniform(context.Sequence, client.Faces.Seed + 6) * lanes);
        var frame = TimeSpan.FromSeconds(1 / fps);
        using var call = client.Matcher.GateSession(client.Options(cancellationToken, TimeSpan.FromMilliseconds(budgetMs + 5000)));
        await call.RequestStream.WriteAsync(new GateSessionRequest
        {
            Open = new GateSessionOpen
            {
                GateId = "load",
                LaneId = "lane-" + lane.ToString(CultureInfo.InvariantCulture),
                Claim = claim,
                BudgetMs = budgetMs,
                SessionId = "s" + context.Sequence.ToString(CultureInfo.InvariantCulture),
            },
        }).ConfigureAwait(false);

        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = ReadVerdictAsync(call.ResponseStream, done, cancellationToken);
        var sent = 1; // the open message
        try
        {
            for (var p = 0; p < maxProbes && !done.IsCancellationRequested; p++)
            {
                await call.RequestStream.WriteAsync(probes[p % probes.Length]).ConfigureAwait(false);
                sent++;
                await Task.Delay(frame, done.Token).ConfigureAwait(false);
            }

            if (!done.IsCancellationRequested)
            {
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or RpcException
            && done.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The response stream ended (the verdict came, or the call failed) while this was waiting or writing:
            // stop streaming; the reader has the outcome. Grpc.Net.Client refuses a write to a call that has
            // completed (InvalidOperationException when it ended OK, RpcException with its status otherwise).
        }

        var verdict = await reader.ConfigureAwait(false);
        return verdict is null ? StepResult.Fail("NO_VERDICT") with { Messages = sent } : new StepResult(true, "OK", verdict, sent);
    }

    private static async Task<string?> ReadVerdictAsync(IAsyncStreamReader<GateSessionResponse> responses, CancellationTokenSource done, CancellationToken cancellationToken)
    {
        try
        {
            while (await responses.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                if (responses.Current.Final)
                {
                    return responses.Current.Verdict?.Decision.ToString().ToUpperInvariant() ?? "FINAL";
                }
            }

            return null;
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
        }
    }
}
