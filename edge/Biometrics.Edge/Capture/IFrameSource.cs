namespace Biometrics.Edge.Capture;

/// <summary>
/// A source of frames: a camera, a video file, a stream URL or a folder of images. Read frames one at a time with
/// <see cref="ReadAsync"/> until it returns null. Not thread-safe: one reader.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>What the source is, for logs (for example <c>camera:0</c> or a file path).</summary>
    string Description { get; }

    /// <summary>Nominal frame rate in frames per second (the file's, the folder's configured rate, or the camera's; 0 when unknown).</summary>
    double FramesPerSecond { get; }

    /// <summary>True for cameras and streams, which deliver frames in real time by themselves.</summary>
    bool IsLive { get; }

    /// <summary>Frames skipped so far because processing fell behind the source's real-time pace.</summary>
    long DroppedFrames { get; }

    /// <summary>
    /// Raised (on the reading thread, during <see cref="ReadAsync"/>) with a frame's index and the reason when that frame
    /// could not be read and was skipped; the source goes on with the next one, as a camera does after a damaged frame.
    /// </summary>
    event Action<long, string>? FrameSkipped;

    /// <summary>The next frame (the caller disposes it), or null at the end of the source.</summary>
    ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken);
}
