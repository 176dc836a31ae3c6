using Biometrics.Edge.Capture;
using Biometrics.Edge.Tracking;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Google.Protobuf;

namespace Biometrics.Edge.Gate;

public sealed partial class GateAgent
{
    private static readonly (string Reason, string Text) NoClaim = ("no_claim", "no QR code or claim presented");

    private FrameResult ProcessFrame(Frame frame, QrCodeDetector? qr)
    {
        var image = frame.Image;
        var now = _clock.GetTimestamp();
        var boxes = _pipeline.Detector.Detect(image);
        var tracks = _tracker.Update(boxes, frame.Index);
        var lane = _selector.Select(tracks, image.Width, image.Height);

        // QR codes are looked for only while the lane could use a claim: no traveller yet, no claim yet, or the last
        // traveller is done (a new code starts the next one).
        string? qrText = null;
        bool wantQr;
        lock (_lock)
        {
            _currentFrame = frame.Index;
            wantQr = qr is not null && _options.FixedClaim is null && (_episode is null || _episode.Claim is null || _episode.IsDone);
        }

        if (wantQr && frame.Index % Math.Max(1, _options.QrEveryNthFrame) == 0)
        {
            qrText = qr!.DetectAndDecode(image)?.Text;
        }

        LaneEpisode? episode;
        bool analyse;
        bool checkIdentity;
        lock (_lock)
        {
            if (qrText is not null && !_usedTokens.Contains(qrText))
            {
                OnQrCodeLocked(qrText, now);
            }

            if (lane is not null && (_episode is null || (_episode.IsDone && (!_episode.SawFace || OtherTrackLocked(_episode, lane)))))
            {
                _episode = NewEpisodeLocked(now);
            }

            episode = _episode;
            analyse = lane is not null && episode is not null && !episode.IsDone && episode.Shots.ShotsTaken < _options.MaxProbes;
            checkIdentity = lane is not null && episode is not null && IdentityCheckDueLocked(episode, lane, now);
            if (lane is not null && episode is not null)
            {
                episode.SawFace = true;
                episode.LastFaceTimestamp = now;
                if (!episode.IsDone)
                {
                    episode.TrackId = lane.Id;
                }
            }
        }

        FaceAnalysis? analysis = null;
        (string Reason, string Text)? problem = null;
        Probe? probe = null;
        FaceEmbedding? embedding = null;
        if (analyse || checkIdentity)
        {
            analysis = _pipeline.AnalyzeBox(image, lane!.Box);
            var check = _options.Quality.Check(MeasuredQuality(analysis));
            problem = check.Passed ? null : (check.Reason!, check.Text!);
            if (problem is null && checkIdentity)
            {
                embedding = _pipeline.Embed(analysis);
            }
            else if (problem is null && episode!.Shots.Offer(BestShotSelector.ShotScore(analysis), _clock.GetElapsedTime(episode.StartTimestamp, now)))
            {
                embedding = _pipeline.Embed(analysis);
                probe = MakeProbe(analysis, embedding, frame.CapturedAtUnixMs);
            }
        }

        lock (_lock)
        {
            if (checkIdentity && ReferenceEquals(episode, _episode))
            {
                CheckIdentityLocked(episode!, lane!, embedding, now);
            }

            if (probe is not null && !SameTravellerLocked(episode!, embedding!))
            {
                probe = null;
            }

            if (episode is not null && ReferenceEquals(episode, _episode) && !episode.IsDone)
            {
                if (analyse && problem is null)
                {
                    episode.BudgetStart ??= now;
                }
                else if (analyse)
                {
                    episode.LastProblem = problem!.Value;
                }
                else if (lane is null && episode.BudgetStart is null)
                {
                    episode.LastProblem = ("no_face", "no face in view");
                }

                if (probe is not null)
                {
                    episode.Pending.Add(probe);
                    if (episode.Pending.Count == 1 && episode.Session is null)
                    {
                        _view.Event($"traveller {episode.Number}: usable face (track {lane!.Id})");
                    }
                }

                FlushProbesLocked(episode, now);
            }

            TimersLocked(lane, now);
            return new FrameResult(tracks, lane, analysis, problem, probe is not null, qrText, _episode?.Number ?? 0);
        }
    }

    /// <summary>The face's quality as the matcher's limits read it (the same limits gate it again there).</summary>
    private static Biometrics.Contract.ProbeQuality MeasuredQuality(FaceAnalysis face)
    {
        var q = face.Quality;
        return new((float)q.InterEyeDistance, (float)q.Sharpness, (float)q.Brightness, (float)q.Yaw, (float)q.Pitch, face.Liveness?.LiveScore ?? -1f);
    }

    private static Probe MakeProbe(FaceAnalysis face, FaceEmbedding embedding, long capturedAtMs)
    {
        var q = face.Quality;
        var values = new Embedding { ModelId = embedding.ModelId };
        values.Values.AddRange(embedding.ToArray());
        return new Probe
        {
            Embedding = values,
            CapturedAtMs = capturedAtMs,
            Quality = new ProbeQuality
            {
                InterEyePx = (float)q.InterEyeDistance,
                Sharpness = (float)q.Sharpness,
                Brightness = (float)q.Brightness,
                YawDeg = (float)q.Yaw,
                PitchDeg = (float)q.Pitch,
                RollDeg = (float)q.Roll,
                Liveness = face.Liveness?.LiveScore ?? -1f,
                DetectionScore = face.Score,
                Measured = true,
            },
        };
    }

    private LaneEpisode NewEpisodeLocked(long now)
    {
        var number = ++_travellers;
        var episode = new LaneEpisode(number, $"{_options.LaneId}-{number}-{Guid.NewGuid().ToString("N")[..8]}", now, _options.MaxProbes);
        if (_options.FixedClaim is { } claim)
        {
            episode.Claim = claim;
            episode.ClaimKind = _options.FixedClaimKind;
        }

        _view.Event($"traveller {number}: {(episode.Claim is null ? "waiting for a QR code" : "claim " + episode.ClaimKind)}");
        return episode;
    }

    private void OnQrCodeLocked(string text, long now)
    {
        var ep = _episode;
        if (ep is null || ep.IsDone)
        {
            ep = _episode = NewEpisodeLocked(now);
        }

        if (ep.Claim is not null)
        {
            return;
        }

        _usedTokens.Add(text);
        ep.Claim = new Claim { QrToken = text };
        ep.ClaimKind = "qr";
        _view.Event($"traveller {ep.Number}: QR code read ({text.Length} characters)");
    }

    /// <summary>Opens the traveller's session once there is a claim and a probe, and hands it the new probes.</summary>
    private void FlushProbesLocked(LaneEpisode ep, long now)
    {
        if (ep.Claim is null || ep.Pending.Count == 0 || ep.BudgetStart is not { } budgetStart)
        {
            return;
        }

        if (ep.Session is null)
        {
            var open = new GateSessionOpen
            {
                GateId = _options.GateId,
                LaneId = _options.LaneId,
                Claim = ep.Claim,
                SessionId = ep.SessionId,
                BudgetMs = (int)_options.Budget.TotalMilliseconds,
            };
            var deadline = budgetStart + (long)(_options.Budget.TotalSeconds * _clock.TimestampFrequency);
            var session = new TravellerSession(_connection, open, deadline, (v, final, source) => OnSessionVerdict(ep, v, final, source), _clock);
            ep.Session = session;
            _sessions.Add(session);
            session.Start();
            _view.Event($"traveller {ep.Number}: session {ep.SessionId} opened, {_clock.GetElapsedTime(budgetStart, now).TotalMilliseconds:F0} ms after the first usable face");
        }

        foreach (var p in ep.Pending)
        {
            ep.Session.Send(p);
            ep.ProbesSent++;
        }

        ep.Pending.Clear();
    }

    /// <summary>RETRY windows without a usable face or a claim, the edge's REFER after too many, and travellers leaving.</summary>
    private void TimersLocked(Track? lane, long now)
    {
        var ep = _episode;
        if (ep is null)
        {
            return;
        }

        if (!ep.IsDone && ep.Session is null)
        {
            if (ep.BudgetStart is { } start && ep.Claim is null && _clock.GetElapsedTime(start, now) >= _options.Budget)
            {
                ep.EdgeRetries++;
                ep.BudgetStart = null;
                ep.Pending.Clear();
                ep.Shots.Reset();
                ep.WindowStart = now;
                RetryOrReferLocked(ep, NoClaim);
            }
            else if (ep.BudgetStart is null && _clock.GetElapsedTime(ep.WindowStart, now) >= _options.Budget)
            {
                ep.EdgeRetries++;
                ep.WindowStart = now;
                RetryOrReferLocked(ep, ep.LastProblem);
            }
        }

        var gone = lane is null && ep.SawFace && _clock.GetElapsedTime(ep.LastFaceTimestamp, now) >= _options.LeaveAfter;
        if (gone && !ep.IsDone && ep.Session is null)
        {
            if (ep.Claim is not null)
            {
                EmitEdgeLocked(ep, Decision.Refer, "traveller_left", "the traveller left before a usable face was captured", final: true);
            }
            else
            {
                _view.Event($"traveller {ep.Number}: left without presenting a claim");
            }

            _episode = null;
        }
        else if (ep.IsDone && (gone || !ep.SawFace))
        {
            _episode = null;
            _selector.Reset();
        }
    }

    private void RetryOrReferLocked(LaneEpisode ep, (string Reason, string Text) problem)
    {
        if (ep.EdgeRetries > _options.MaxEdgeRetries)
        {
            EmitEdgeLocked(ep, Decision.Refer, problem.Reason, $"no decision after {ep.EdgeRetries} attempts: {problem.Text}", final: true);
        }
        else
        {
            EmitEdgeLocked(ep, Decision.Retry, problem.Reason, problem.Text, final: false);
        }
    }
}
