using System.Globalization;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Gate;

/// <summary>
/// Writes the annotated copy of the lane's video: every tracked face boxed (the lane face orange when this frame found it
/// unusable, else green, also when it was not analysed, as after the traveller's final verdict; others grey) with its track id, the lane face's 68 landmarks and quality figures, and a banner with the last
/// verdict and the matcher's state. MJPG in an <c>.avi</c> container. Not thread-safe.
/// </summary>
public sealed class FrameAnnotator : IDisposable
{
    private static readonly BgrColor s_grey = new(160, 160, 160);
    private static readonly BgrColor s_orange = new(0, 140, 255);
    private readonly VideoWriter _writer;

    /// <summary>Creates the file.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public FrameAnnotator(string path, double fps, int width, int height) => _writer = new VideoWriter(path, fps, width, height);

    /// <summary>Frames written.</summary>
    public long FramesWritten => _writer.FramesWritten;

    /// <summary>Draws the annotations onto <paramref name="frame"/> (in place) and appends it to the video.</summary>
    public void Write(Image frame, FrameResult result, GateVerdict? last, ConnectionState state)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(result);
        Draw(frame, result, last, state);
        if (frame.Width == _writer.Width && frame.Height == _writer.Height)
        {
            _writer.Write(frame);
        }
        else
        {
            using var resized = frame.Resize(_writer.Width, _writer.Height);
            _writer.Write(resized);
        }
    }

    /// <summary>Draws the annotations onto <paramref name="frame"/> in place.</summary>
    public static void Draw(Image frame, FrameResult result, GateVerdict? last, ConnectionState state)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        foreach (var track in result.Tracks)
        {
            if (!track.IsVisible)
            {
                continue;
            }

            var isLane = result.Lane is not null && track.Id == result.Lane.Id;
            var color = !isLane ? s_grey : result.Problem is null ? BgrColor.Green : s_orange;
            var (x, y, w, h) = track.Box.ClampedRect(frame.Width, frame.Height);
            frame.DrawRectangle(x, y, w, h, color, isLane ? 2 : 1);
            frame.DrawText($"#{track.Id}", x, Math.Max(12, y - 4), color, 0.5, 1);
        }

        if (result.Analysis is { } a && result.Lane is { } lane)
        {
            foreach (var p in a.Landmarks)
            {
                frame.DrawCircle((int)p.X, (int)p.Y, 1, BgrColor.Yellow, -1);
            }

            var (x, y, _, h) = lane.Box.ClampedRect(frame.Width, frame.Height);
            var text = string.Format(c, "eyes {0:F0} sharp {1:F0} yaw {2:F0} live {3}", a.Quality.InterEyeDistance, a.Quality.Sharpness, a.Quality.Yaw,
                a.Liveness is { } l ? l.LiveScore.ToString("F2", c) : "-");
            var ty = Math.Min(frame.Height - 20, y + h + 16);
            frame.DrawText(text, x, ty, BgrColor.White, 0.45, 1);
            if (result.Problem is { } problem)
            {
                frame.DrawText(problem.Reason, x, Math.Min(frame.Height - 4, ty + 16), s_orange, 0.45, 1);
            }
        }

        frame.DrawRectangle(0, 0, frame.Width, 26, BgrColor.Black, -1);
        var banner = last is null
            ? $"traveller {result.Traveller}  matcher {state}"
            : string.Format(c, "{0} {1} score {2:F3}  traveller {3}  matcher {4}", VerdictJson.DecisionName(last.Verdict.Decision), last.Verdict.Reason,
                last.Verdict.Score, last.Traveller, state);
        var bannerColor = last?.Verdict.Decision switch
        {
            Decision.Accept => BgrColor.Green,
            Decision.Reject => BgrColor.Red,
            Decision.Refer => s_orange,
            _ => BgrColor.White,
        };
        frame.DrawText(banner, 6, 18, bannerColor, 0.5, 1);
    }

    /// <summary>Finishes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
