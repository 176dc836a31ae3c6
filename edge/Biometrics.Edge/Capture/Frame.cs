using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Capture;

/// <summary>
/// One captured frame: the image (owned; dispose the frame), its position in the source and when it was captured.
/// Not thread-safe.
/// </summary>
public sealed class Frame : IDisposable
{
    /// <summary>Wraps <paramref name="image"/> (ownership passes to the frame).</summary>
    public Frame(Image image, long index, TimeSpan sourceTime, long capturedAtUnixMs)
    {
        Image = image ?? throw new ArgumentNullException(nameof(image));
        Index = index;
        SourceTime = sourceTime;
        CapturedAtUnixMs = capturedAtUnixMs;
    }

    /// <summary>The BGR frame.</summary>
    public Image Image { get; }

    /// <summary>0-based index of the frame in its source (frames skipped by pacing still count).</summary>
    public long Index { get; }

    /// <summary>Position in the source's own time line (index / frame rate for files and folders; wall-clock for live sources).</summary>
    public TimeSpan SourceTime { get; }

    /// <summary>Wall-clock capture time, Unix epoch milliseconds.</summary>
    public long CapturedAtUnixMs { get; }

    /// <summary>Releases the image.</summary>
    public void Dispose() => Image.Dispose();
}
