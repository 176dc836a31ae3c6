using Biometrics.Protos.V1;

namespace Biometrics.Edge.Gate;

public sealed partial class GateAgent
{
    private void OnSessionVerdict(LaneEpisode ep, Verdict verdict, bool final, VerdictSource source)
    {
        lock (_lock)
        {
            if (ep.IsDone)
            {
                return;
            }

            if (!final)
            {
                ep.Shots.RequestAnother();
            }

            if (source == VerdictSource.Edge && verdict.ModelId.Length == 0)
            {
                verdict.ModelId = _pipeline.ModelId;
            }

            ReportLocked(ep, verdict, final, source);
        }
    }

    private void EmitEdgeLocked(LaneEpisode ep, Decision decision, string reason, string text, bool final)
    {
        var verdict = new Verdict
        {
            Decision = decision,
            Reason = reason,
            ReasonText = text,
            ModelId = _pipeline.ModelId,
            TransactionId = "edge-" + Guid.NewGuid().ToString("N"),
        };
        ReportLocked(ep, verdict, final, VerdictSource.Edge);
    }

    private void ReportLocked(LaneEpisode ep, Verdict verdict, bool final, VerdictSource source)
    {
        var now = _clock.GetTimestamp();
        var gv = new GateVerdict
        {
            GateId = _options.GateId,
            LaneId = _options.LaneId,
            SessionId = ep.SessionId,
            Traveller = ep.Number,
            Verdict = verdict,
            Final = final,
            Source = source,
            ClaimKind = ep.ClaimKind,
            FaceToVerdictMs = ep.BudgetStart is { } start ? _clock.GetElapsedTime(start, now).TotalMilliseconds : null,
            EpisodeMs = _clock.GetElapsedTime(ep.StartTimestamp, now).TotalMilliseconds,
            ProbesSent = ep.ProbesSent,
            Frame = _currentFrame,
            AtUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (final)
        {
            ep.Final = gv;
        }

        _lastVerdict = gv;
        Statistics.AddVerdict(gv);
        Telemetry.EdgeTelemetry.Verdict(gv);
        _output.WriteLine(VerdictJson.Format(gv));
        _output.Flush();
        _view.Verdict(gv);
        VerdictReported?.Invoke(gv);
    }
}
