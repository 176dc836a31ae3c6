using System.Diagnostics;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Capture;

/// <summary>
/// Frames from OpenCV's <see cref="VideoCapture"/>: a camera index, a stream URL (live) or a video file (replayed per
/// <see cref="PacingMode"/>). Not thread-safe.
/// </summary>
public sealed class VideoFrameSource : IFrameSource
{
    private readonly VideoCapture _capture;
    private readonly FramePacer? _pacer;
    private readonly Stopwatch _liveClock = new();
    private long _next;
    private long _dropped;

    private VideoFrameSource(VideoCapture capture, bool isLive, PacingMode pacing, double fallbackFps)
    {
        _capture = capture;
        IsLive = isLive;
        var fps = capture.Fps;
        FramesPerSecond = fps is > 0 and < 1000 ? fps : fallbackFps;
        if (!isLive && pacing == PacingMode.RealTime)
        {
            _pacer = new FramePacer(FramesPerSecond);
        }
    }

    /// <inheritdoc />
    public string Description => _capture.Source;

    /// <inheritdoc />
    public double FramesPerSecond { get; }

    /// <inheritdoc />
    public bool IsLive { get; }

    /// <inheritdoc />
    public long DroppedFrames => _dropped;

    /// <inheritdoc />
    /// <remarks>Never raised: the video decoder passes over damaged frames itself.</remarks>
    public event Action<long, string>? FrameSkipped
    {
        add { }
        remove { }
    }

    /// <summary>Opens camera <paramref name="index"/>.</summary>
    /// <exception cref="IOException">No such camera, or it is busy.</exception>
    public static VideoFrameSource OpenCamera(int index) => new(VideoCapture.Open(index), isLive: true, PacingMode.AsFastAsPossible, 30);

    /// <summary>Opens a stream URL (rtsp://, http://, ...); frames arrive in real time.</summary>
    /// <exception cref="IOException">The stream cannot be opened.</exception>
    public static VideoFrameSource OpenStream(string url) => new(VideoCapture.Open(url), isLive: true, PacingMode.AsFastAsPossible, 25);

    /// <summary>Opens a video file, replayed per <paramref name="pacing"/>; <paramref name="fallbackFps"/> when the file has no rate.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static VideoFrameSource OpenFile(string path, PacingMode pacing, double fallbackFps = 10) =>
        new(VideoCapture.Open(path), isLive: false, pacing, fallbackFps);

    /// <inheritdoc />
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsLive)
        {
            _liveClock.Start();
            var live = _capture.Read();
            return live is null ? null : new Frame(live, _next++, _liveClock.Elapsed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        if (_pacer is not null)
        {
            var (skip, wait) = _pacer.Plan(_next);
            for (var i = 0; i < skip; i++)
            {
                using var late = _capture.Read();
                if (late is null)
                {
                    return null;
                }

                _next++;
                _dropped++;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        var image = _capture.Read();
        if (image is null)
        {
            return null;
        }

        var index = _next++;
        return new Frame(image, index, TimeSpan.FromSeconds(index / FramesPerSecond), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>Closes the capture.</summary>
    public void Dispose() => _capture.Dispose();
}
