using Biometrics.Vision.Face;

namespace Biometrics.Edge.Tracking;

/// <summary>
/// Decides which usable faces of one traveller are worth embedding and sending: the first usable face at once (a quick
/// verdict), then only a face whose <see cref="ShotScore"/> beats the best one sent so far by <see cref="ImprovementMargin"/>,
/// at least <see cref="MinInterval"/> after the previous one, and at most <see cref="MaxShots"/> in all; after a matcher RETRY (<see cref="RequestAnother"/>) the next usable face goes
/// regardless of its score. Not thread-safe, except <see cref="RequestAnother"/>.
/// </summary>
public sealed class BestShotSelector
{
    private TimeSpan? _lastSent;
    private int _anotherRequested;

    /// <summary>Most shots sent for one traveller (default 5).</summary>
    public int MaxShots { get; init; } = 5;

    /// <summary>Relative improvement of the shot score a later shot needs (default 0.05 = 5 %).</summary>
    public double ImprovementMargin { get; init; } = 0.05;

    /// <summary>Least time between two shots (default 150 ms).</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Shots accepted so far.</summary>
    public int ShotsTaken { get; private set; }

    /// <summary>Score of the best shot accepted so far (0 before the first).</summary>
    public double BestScore { get; private set; }

    /// <summary>
    /// A face's fitness as a probe, in [0, 1]: 35 % eye distance (full at 80 px), 25 % sharpness (full at a Laplacian
    /// variance of 300), 25 % frontality (0 at 45 degrees of yaw or 35 of pitch), 15 % detector confidence, all times the
    /// liveness score when it was measured.
    /// </summary>
    public static double ShotScore(FaceAnalysis face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var q = face.Quality;
        var eyes = Math.Clamp(q.InterEyeDistance / 80, 0, 1);
        var sharp = Math.Clamp(q.Sharpness / 300, 0, 1);
        var frontal = Math.Clamp(1 - Math.Max(Math.Abs(q.Yaw) / 45, Math.Abs(q.Pitch) / 35), 0, 1);
        var score = 0.35 * eyes + 0.25 * sharp + 0.25 * frontal + 0.15 * Math.Clamp(face.Score, 0, 1);
        return face.Liveness is { } live ? score * Math.Clamp(live.LiveScore, 0, 1) : score;
    }

    /// <summary>True when a usable face scoring <paramref name="score"/> at <paramref name="now"/> should be sent; records it if so.</summary>
    public bool Offer(double score, TimeSpan now)
    {
        if (ShotsTaken >= MaxShots)
        {
            return false;
        }

        if (ShotsTaken > 0)
        {
            if (_lastSent is { } last && now - last < MinInterval)
            {
                return false;
            }

            if (score < BestScore * (1 + ImprovementMargin) && Interlocked.Exchange(ref _anotherRequested, 0) == 0)
            {
                return false;
            }
        }

        Interlocked.Exchange(ref _anotherRequested, 0);

        ShotsTaken++;
        BestScore = Math.Max(BestScore, score);
        _lastSent = now;
        return true;
    }

    /// <summary>
    /// Lets the next usable face through even when it is no better than the best so far (the matcher asked for another
    /// probe with a RETRY). May be called from any thread.
    /// </summary>
    public void RequestAnother() => Interlocked.Exchange(ref _anotherRequested, 1);

    /// <summary>Starts over for the next traveller.</summary>
    public void Reset()
    {
        ShotsTaken = 0;
        BestScore = 0;
        Interlocked.Exchange(ref _anotherRequested, 0);
        _lastSent = null;
    }
}
